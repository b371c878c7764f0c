"""A directory import running beside page requests (hazard H6: the service is unavailable and
work cannot be recorded). On SQLite a transaction that writes holds the one write lock of the
whole database, so an import stored in one transaction made every page that writes wait for it
(and answer 500 "database is locked" after the busy timeout). The import is now stored in short
batches, and page requests that only read do not write the session.

Run on the test database file (SQLite) or PostgreSQL, with the import in its own thread and
connection, as a second process would run it beside the web server.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from tests.factories import login
from tests.integration.directory.conftest import build_service, import_docs

from livingwell.directory.models import Service
from livingwell.intake.models import Introduction

pytestmark = pytest.mark.django_db(transaction=True)

SERVICES = 250  # about 3,000 rows: several seconds of writing on a shared CI host
FRONT_DOOR = {
    "risk_now": "self",
    "whats_happening": "Not safe tonight.",
    "given_name": "Sam",
    "family_name": "Okafor",
    "postcode": "sw9 8aa",
    "phone": "07700 900222",
}


class Import(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.docs = [build_service(n) for n in range(SERVICES)]
        self.error: BaseException | None = None
        self.running = threading.Event()
        self.finished = threading.Event()

    def run(self):
        self.running.set()
        try:
            import_docs(*self.docs)
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            connection.close()  # this thread's own connection
            self.finished.set()


def test_pages_and_the_front_door_keep_working_while_a_directory_import_runs(personas):
    staff = login(Client(raise_request_exception=False), personas.hub_worker)
    public = Client(raise_request_exception=False)
    staff.get(reverse("hub:board"))  # the sign-in's first page, before the clock starts

    job = Import()
    job.start()
    job.running.wait(timeout=10)
    answered = []  # (what, status, seconds, answered while the import was still running)
    n = 0
    deadline = time.monotonic() + 120
    while not job.finished.is_set() and time.monotonic() < deadline:
        n += 1
        for what, send in (
            ("board", lambda: staff.get(reverse("hub:board"))),
            ("public search", lambda: public.get(reverse("directory:public_search"), {"q": "x"})),
            ("ORUK API", lambda: public.get("/api/oruk/services", {"per_page": 5})),
            (
                "urgent front-door submission",
                lambda n=n: public.post(
                    "/introduce/for-myself/",
                    # A different person each time: the same words from one browser would be
                    # recognised as the same introduction sent again (intake.resends).
                    FRONT_DOOR
                    | {
                        "submission_key": f"beside-the-import-{n:04d}" + "x" * 8,
                        "whats_happening": f"Not safe tonight ({n}).",
                    },
                    REMOTE_ADDR=f"10.0.{n // 200}.{n % 200}",
                ),
            ),
        ):
            started = time.monotonic()
            response = send()
            answered.append(
                (what, response.status_code, time.monotonic() - started, not job.finished.is_set())
            )
    job.join(timeout=120)

    assert job.error is None, job.error
    assert Service.objects.count() == SERVICES
    failures = [a for a in answered if a[1] >= 500]
    assert not failures, failures
    during = [a for a in answered if a[3]]
    # Work kept being recorded during the import, not only after it: urgent submissions were
    # stored while it ran (how many depends on how fast the host imports: at least one; a site
    # locked for the import's length would store none until it had finished).
    stored_during = [a for a in during if a[0] == "urgent front-door submission" and a[1] == 302]
    assert len(stored_during) >= 1, answered
    # No request waited anywhere near the busy timeout (20 s): one batch at most, with room
    # for a slow shared host.
    slowest = max(a[2] for a in answered)
    assert slowest < 10, sorted(answered, key=lambda a: -a[2])[:5]
    assert Introduction.objects.filter(urgent=True).count() >= len(stored_during)
