"""Seeding a site: determinism, invariants, personas with real work, --if-empty, one audit event."""

from __future__ import annotations

import contextlib
import io
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.test import RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from livingwell.access.models import AuditEvent
from livingwell.accounts.demo import DEMO_PASSWORD
from livingwell.accounts.models import Membership, Organisation, Role, Team, User
from livingwell.core.models import SiteConfig
from livingwell.hub.models import Allocation, Closure, Contact, Episode, Handover, PlanVersion
from livingwell.intake.models import ClosedReason, Introduction
from livingwell.people.models import Person, PossibleMatch
from livingwell.seed import checks
from livingwell.seed.run import SeedOptions, seed_site

PERSONAS = [
    "hub.worker",
    "key.worker",
    "peer.worker",
    "partner.worker",
    "team.lead",
    "privacy.officer",
    "site.admin",
    "analyst",
    "coproduction.lead",
]


class _Rollback(Exception):
    pass


def seed(people, years, seed_value=1, now=None):
    # The directory's and outcomes' demo builders are tested in their own areas.
    options = SeedOptions(people=people, years=years, seed=seed_value)
    return seed_site(options, progress=lambda m: None, now=now, with_hooks=False)


def snapshot():
    return {
        "people": sorted(Person.objects.values_list("given_name", "family_name", "postcode")),
        "intro_states": Counter(Introduction.objects.values_list("state", flat=True)),
        "contacts": Contact.objects.count(),
        "handovers": Counter(Handover.objects.values_list("state", flat=True)),
        "staff": sorted(User.objects.values_list("username", flat=True)),
    }


@pytest.mark.django_db
def test_same_seed_same_site_and_another_seed_differs():
    now = timezone.now()
    runs = []
    for seed_value in (4, 4, 5):
        with contextlib.suppress(_Rollback), transaction.atomic():
            summary = seed(60, 2, seed_value, now=now)
            summary.pop("seconds")
            first = Person.objects.order_by("created_at", "id").first()
            runs.append((summary, (first.given_name, first.family_name), snapshot()))
            raise _Rollback
    assert runs[0] == runs[1]
    assert runs[0][0]["people"] == 60
    assert runs[0][2]["people"] != runs[2][2]["people"]
    assert Person.objects.count() == 0  # each run was rolled back


@pytest.fixture
def small_site(db):
    return seed(60, 2, 1)


def test_small_site_reconciles_and_keeps_every_rule(small_site):
    assert Person.objects.count() == 60
    rec = checks.reconciliation()
    assert rec["received"] == Introduction.objects.count() == small_site["introductions"]
    assert rec["received"] == sum(rec["by_state"].values())
    assert checks.problems() == []


def test_site_settings_and_a_single_audit_event(small_site):
    config = SiteConfig.current()
    assert (config.name, config.area_name) == ("Living Well Demo", "Demo Borough")
    events = list(AuditEvent.objects.filter(action="site.seed"))
    assert [(e.category, e.actor_id) for e in events] == [("system", None)]
    assert events[0].detail["people"] == 60
    assert events[0].detail["introductions"] == Introduction.objects.count()
    # The synthetic history is not access to anyone's record: no per-person events.
    assert not AuditEvent.objects.filter(person_id__isnull=False).exists()


def test_network_has_the_partner_organisations_and_a_hub(small_site):
    kinds = Counter(Organisation.objects.values_list("kind", flat=True))
    assert kinds[Organisation.Kind.NHS_TRUST] == 1
    assert kinds[Organisation.Kind.COUNCIL] == 1
    assert kinds[Organisation.Kind.VCS] >= 5
    assert kinds[Organisation.Kind.PEER_LED] == 1
    hub = Team.objects.get(is_hub=True)
    assert hub.name == "Living Well Hub"
    assert 10 <= Membership.objects.filter(team=hub).count() <= 16
    trust_teams = Team.objects.filter(organisation=hub.organisation, is_hub=False).count()
    assert 2 <= trust_teams <= 3 + 1
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)


def test_demo_personas_sign_in_with_mfa(small_site):
    request = RequestFactory().post("/accounts/login/")
    for username in PERSONAS:
        user = User.objects.get(username=username)
        assert user.is_demo_persona
        assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        assert Membership.objects.current().filter(user=user).exists()
        assert authenticate(request, username=username, password=DEMO_PASSWORD) == user
    assert authenticate(request, username="hub.worker", password="not the password") is None
    # Other staff are not demo logins: they have no usable password.
    others = User.objects.filter(is_demo_persona=False)
    assert others.exists() and not any(u.has_usable_password() for u in others)


def test_personas_have_real_work_today(small_site):
    now = timezone.now()
    hub = User.objects.get(username="hub.worker")
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    urgent_today = Introduction.objects.filter(
        owner=hub, urgent=True, state="new", received_at__gte=today
    )
    assert urgent_today.count() == 3
    assert Introduction.objects.filter(owner=hub).exclude(state="closed").count() >= 8
    key = User.objects.get(username="key.worker")
    caseload = Allocation.objects.filter(
        key_worker=key, ended_at__isnull=True, introduction__state="in_support"
    )
    assert caseload.count() == 15
    partner_org = Membership.objects.get(user__username="partner.worker").organisation
    to_partner = Handover.objects.filter(to_organisation=partner_org)
    assert to_partner.filter(state="offered").count() >= 2
    assert to_partner.filter(state__in=["accepted", "started"]).count() >= 2


@pytest.mark.django_db
def test_every_state_and_reason_appears_at_a_moderate_size():
    seed(300, 3, 2)
    assert checks.problems() == []
    assert set(Introduction.objects.values_list("state", flat=True)) == set(
        Introduction.State.values
    )
    assert set(Closure.objects.values_list("reason", flat=True)) == set(ClosedReason.values)
    assert set(Introduction.objects.values_list("route", flat=True)) == {
        "self",
        "gp",
        "professional",
        "partner",
        "family",
    }
    assert set(Handover.objects.values_list("state", flat=True)) == set(Handover.State.values)
    assert set(Contact.objects.values_list("outcome", flat=True)) == set(Contact.Outcome.values)
    assert set(Contact.objects.values_list("mode", flat=True)) == {
        "face_to_face",
        "phone",
        "video",
        "text",
    }
    assert set(Episode.objects.values_list("tier_id", flat=True)) == {
        "single-point-of-access",
        "short-term",
        "staying-well",
        "focused",
        "crisis-outreach",
    }
    assert {"stepped_up", "stepped_down", "closed", ""} <= set(
        Episode.objects.values_list("end_reason", flat=True)
    )
    assert Allocation.objects.exclude(reason="").exists()  # transfers, with their reasons
    assert Closure.objects.filter(
        returned_at__isnull=False
    ).exists()  # returns within the open door
    assert Handover.objects.filter(previous__isnull=False).exists()  # declined and re-offered
    assert Handover.objects.filter(state="declined", returned_handled_at__isnull=True).exists()
    assert PossibleMatch.objects.filter(state="open").exists()
    assert PlanVersion.objects.filter(version__gte=2).exists()
    now = timezone.now()
    assert Introduction.objects.filter(
        state="new", received_at__gte=now - timedelta(days=3)
    ).exists()
    in_support = Introduction.objects.filter(state="in_support")
    current = Allocation.objects.filter(introduction=OuterRef("pk"), ended_at__isnull=True)
    assert in_support.exclude(Exists(current)).exists()  # unallocated work
    quiet = in_support.exclude(contacts__at__gte=now - timedelta(days=21))
    assert quiet.exists()  # no contact for three weeks or more

    # The rules, asked directly as well as through checks.problems().
    for intro in Introduction.objects.filter(state="closed"):
        assert intro.closed_at and intro.closed_reason and intro.open_door_until
        assert intro.closures.filter(closed_at=intro.closed_at, returned_at__isnull=True).exists()
    assert not Handover.objects.filter(state="declined", decline_reason="").exists()
    for closure in Closure.objects.filter(reason=ClosedReason.NOT_REACHED):
        tries = closure.introduction.contacts.filter(
            outcome__in=["not_reached", "not_attended"], at__lte=closure.closed_at
        )
        assert tries.count() >= 2
    one_current = Introduction.objects.annotate(
        n=Count("allocations", filter=Q(allocations__ended_at__isnull=True))
    ).filter(n__gt=1)
    assert not one_current.exists()

    # Shape: routes, urgency, waits and closures without support.
    intros = Introduction.objects.count()
    assert 0.25 < Introduction.objects.filter(route="self").count() / intros < 0.45
    assert 0.03 < Introduction.objects.filter(urgent=True).count() / intros < 0.12
    waits = sorted(
        (conv - rec).total_seconds() / 86400
        for rec, conv in Introduction.objects.filter(
            urgent=False, first_conversation_at__isnull=False
        ).values_list("received_at", "first_conversation_at")
    )
    assert 4 <= waits[len(waits) // 2] <= 11
    closed = Introduction.objects.filter(state="closed")
    without_support = closed.filter(first_conversation_at__isnull=True).count() / closed.count()
    assert 0.08 < without_support < 0.25
    supported = Introduction.objects.filter(first_conversation_at__isnull=False).count()
    assert 8 <= Contact.objects.count() / supported <= 16


def test_checks_find_a_broken_record(small_site):
    closure = (
        Closure.objects.filter(returned_at__isnull=True).select_related("introduction").first()
    )
    intro = closure.introduction
    hub = User.objects.get(username="hub.worker")
    Contact.objects.create(
        introduction=intro,
        at=closure.closed_at + timedelta(hours=1),
        by=hub,
        organisation=hub.memberships.first().organisation,
        team=None,
        outcome="attended",
        mode="phone",
        recorded_at=closure.closed_at + timedelta(hours=1),
    )
    assert any(p.startswith("contacts while closed") for p in checks.problems())


def test_if_empty_leaves_a_seeded_database_alone(small_site):
    before = (Person.objects.count(), Introduction.objects.count(), AuditEvent.objects.count())
    out = io.StringIO()
    call_command("seed", "--people", "5", "--years", "1", "--if-empty", stdout=out)
    assert "nothing seeded" in out.getvalue()
    assert (
        Person.objects.count(),
        Introduction.objects.count(),
        AuditEvent.objects.count(),
    ) == before
    with pytest.raises(CommandError, match="already has people"):
        call_command("seed", "--people", "5", "--years", "1", stdout=io.StringIO())
    assert Person.objects.count() == before[0]


@pytest.mark.django_db
def test_command_seeds_an_empty_database_and_shows_progress():
    out = io.StringIO()
    call_command("seed", "--people", "40", "--years", "1", "--seed", "3", "--if-empty", stdout=out)
    text = out.getvalue()
    assert "100%  40 of 40 people" in text
    assert " 50%" in text
    assert "Seeded in" in text
    assert Person.objects.count() == 40
    assert Introduction.objects.filter(received_at__gte=datetime(2000, 1, 1, tzinfo=UTC)).exists()
