"""Run by run.py inside the benchmark's environment (bench_settings): prints one JSON line.

`sessions N`: signs the demo Hub worker in N times, each a session of its own (one per concurrent
client, as N colleagues would have), and picks the record to time. Each sign-in makes the calls
the sign-in pages make: Django's authenticate() and login() with the demo password, then
django-otp's login() with the persona's authenticator. (Over HTTP a second sign-in would have to
wait for the authenticator's next 30-second code.)
`people`: how many people the database holds (none: it is to be seeded).
`snapshots`: how long each stored dashboard view took to compute.
"""

from __future__ import annotations

import json
import sys

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import authenticate, login  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp import login as otp_login  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from livingwell.accounts.demo import DEMO_PASSWORD  # noqa: E402
from livingwell.accounts.models import Membership  # noqa: E402
from livingwell.hub.models import Contact  # noqa: E402
from livingwell.insight.models import DashboardSnapshot, PopulationGroup  # noqa: E402
from livingwell.intake.models import Introduction  # noqa: E402
from livingwell.people.models import Person  # noqa: E402


def sign_in(user, device) -> str:
    request = RequestFactory().get(
        "/accounts/sign-in/", REMOTE_ADDR="127.0.0.1", HTTP_USER_AGENT="livingwell-benchmark"
    )
    request.session = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    request.user = AnonymousUser()  # as AuthenticationMiddleware leaves it before sign-in
    signed_in = authenticate(request, username=user.get_username(), password=DEMO_PASSWORD)
    if signed_in is None:
        raise SystemExit(f"{user.get_username()} could not sign in with the demo password")
    login(request, signed_in)
    otp_login(request, device)
    if DEVICE_ID_SESSION_KEY not in request.session:
        raise SystemExit(f"{user.get_username()} did not pass the authenticator step")
    request.session.save()
    return f"{settings.SESSION_COOKIE_NAME}={request.session.session_key}"


def database_settings() -> dict:
    """The settings that decide what a commit costs, as the server will run with them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers")
            found = {}
            for name in names:
                cursor.execute(f"SHOW {name}")
                found[name] = cursor.fetchone()[0]
            return found
        found = {}
        for name in ("journal_mode", "synchronous"):
            cursor.execute(f"PRAGMA {name}")
            found[name] = cursor.fetchone()[0]
        # PRAGMA synchronous answers a number; say which level it is.
        levels = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
        found["synchronous"] = levels.get(found["synchronous"], found["synchronous"])
        return found


def sessions(count: int) -> dict:
    if not PopulationGroup.objects.exists():
        from livingwell.insight.demo import load_demo_population

        load_demo_population()
    membership = (
        Membership.objects.current()
        .filter(user__is_demo_persona=True, role="hub_worker", team__is_hub=True)
        .select_related("user")
        .first()
    )
    user = membership.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    cookies = [sign_in(user, device) for _ in range(count)]
    intro = Introduction.objects.exclude(state="closed").order_by("received_at").first()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The steady state autovacuum keeps a live site in: after a bulk load dead rows
            # vacuumed (index-only scans depend on it) and planner statistics gathered.
            # Measuring before that would time the backlog.
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("select version()")
        else:
            cursor.execute("select 'SQLite ' || sqlite_version()")
        version = cursor.fetchone()[0].split(" on ")[0].split(",")[0]
    return {
        "cookies": cookies,
        "intro": str(intro.pk),
        "person": str(intro.person_id),
        "engine": version,
        "database_settings": database_settings(),
        "people": Person.objects.count(),
        "introductions": Introduction.objects.count(),
        "contacts": Contact.objects.count(),
        "record_contacts": intro.contacts.count(),
    }


def snapshots() -> list[int]:
    return sorted(DashboardSnapshot.objects.values_list("compute_ms", flat=True))


if __name__ == "__main__":
    if sys.argv[1] == "people":
        print(json.dumps(Person.objects.count()))
    elif sys.argv[1] == "sessions":
        print(json.dumps(sessions(int(sys.argv[2]))))
    elif sys.argv[1] == "snapshots":
        print(json.dumps(snapshots()))
    else:
        raise SystemExit(f"unknown step {sys.argv[1]!r}")
