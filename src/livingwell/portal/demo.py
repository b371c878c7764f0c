"""Demo people with portal access (every detail invented): two people in support with a key
worker persona, given e-mail addresses the demo can print, and one of them has named someone
they trust (a proxy) for their plan and support. In the demo the sign-in code is printed by the
console message backend, in the terminal that runs the site."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from livingwell.access import actions as access_actions
from livingwell.access.models import ProxyGrant
from livingwell.access.person import Kind, PortalViewer
from livingwell.intake.models import Introduction
from livingwell.people.models import Person

DEMO_DOMAIN = "portal.demo.invalid"  # .invalid: no message can ever leave for a real address
PROXY_EMAIL = f"trusted.carer@{DEMO_DOMAIN}"
PROXY_DATE_OF_BIRTH = date(1962, 4, 17)


def build_demo(rng: random.Random, now: datetime) -> dict[str, int]:
    """Give two people in support (with a plan, key-worked by the demo key worker persona when
    there is one) a unique demo e-mail address, and the first a proxy."""
    from django.db.models import Exists, OuterRef

    from livingwell.hub.models import PlanVersion

    in_support = Introduction.objects.filter(
        Exists(PlanVersion.objects.filter(introduction=OuterRef("pk"))),
        state=Introduction.State.IN_SUPPORT,
        person__date_of_birth__isnull=False,
        person__merged_into__isnull=True,
    )
    # Key-worked by a demo persona where there are such people, so a worker can be signed in
    # beside them in the demo.
    candidates = []
    for rows in (in_support.filter(current_key_worker__is_demo_persona=True), in_support):
        candidates = list(rows.order_by("reference").values_list("person_id", flat=True)[:50])
        if len(candidates) >= 2:
            break
    candidates = list(dict.fromkeys(candidates))
    chosen = rng.sample(candidates, k=min(2, len(candidates)))
    for n, person_id in enumerate(chosen, start=1):
        # The seed writes the demo's people directly (as it writes every seeded row).
        Person.objects.filter(pk=person_id).update(email=f"person{n}@{DEMO_DOMAIN}")
    if chosen:
        person = Person.objects.get(pk=chosen[0])
        access_actions.grant_proxy(
            by=PortalViewer(person_id=str(person.pk), kind=Kind.SELF),
            person=person,
            name="Jo Trusted",
            email=PROXY_EMAIL,
            date_of_birth=PROXY_DATE_OF_BIRTH,
            parts=["plan", "support", "about_me"],
            ends_on=timezone.localdate(now) + timedelta(days=90),
            at=now,
        )
    return {"people": len(chosen)}


def demo_sign_ins() -> list[tuple[str, str, date, str]]:
    """(who, e-mail, date of birth, what they see) for each demo portal sign-in."""
    rows = [
        (p.display_name, p.email, p.date_of_birth, "their own Living Well")
        for p in Person.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").order_by("email")
    ]
    for grant in ProxyGrant.objects.filter(email=PROXY_EMAIL).select_related("person"):
        rows.append(
            (
                grant.name,
                grant.email,
                grant.date_of_birth,
                f"someone {grant.person.display_name} trusts: {', '.join(grant.parts)}",
            )
        )
    return rows
