"""`make bench`: p50/p95 of the dashboard, the Hub board and a record vs the framework floor.

Builds (or reuses) a seeded SQLite database under benchmarks/data/, starts gunicorn with several
workers on 127.0.0.1, signs a demo Hub worker in by creating a session directly (MFA device set),
then requests each page in turn and prints the timings side by side with their ratio to a
minimal Django view doing one indexed query on the same server and database.

Environment:
  BENCH_PEOPLE   people to seed (default 2000; the full borough is 100000)
  BENCH_YEARS    years of history (default 2; full scale 10)
  BENCH_REQUESTS timed requests per page (default 40)
  BENCH_WORKERS  gunicorn workers (default 3)
  BENCH_PORT     port (default 8765)
  DATABASE_URL   use this database instead (e.g. postgres://...); it is seeded if empty
Full scale: BENCH_PEOPLE=100000 BENCH_YEARS=10 make bench (the seed takes a long time, once).
"""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = ROOT / ".venv" / "bin"
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "2000"))
YEARS = int(os.environ.get("BENCH_YEARS", "2"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
GOALS = {"dashboard": 3.0, "hub board": 2.0, "record": 2.0}


def environment() -> dict[str, str]:
    env = dict(os.environ)
    if "DATABASE_URL" not in env:
        data = HERE / "data"
        data.mkdir(exist_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{data / f'bench-{PEOPLE}p-{YEARS}y.sqlite3'}"
    env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env.setdefault("LIVINGWELL_ENV", "development")
    env.setdefault("LIVINGWELL_DEMO_MODE", "1")
    return env


def run(env, *args: str) -> str:
    result = subprocess.run(args, env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return result.stdout


SETUP = r"""
import django
django.setup()
from types import SimpleNamespace
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils.module_loading import import_string
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from livingwell.accounts import actions
from livingwell.accounts.models import Membership
from livingwell.insight.models import PopulationGroup
from livingwell.intake.models import Introduction

if not PopulationGroup.objects.exists():
    from livingwell.insight.demo import load_demo_population
    load_demo_population()
membership = (Membership.objects.current().filter(user__is_demo_persona=True, role="hub_worker",
              team__is_hub=True).select_related("user").first())
user = membership.user
device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store[DEVICE_ID_SESSION_KEY] = device.persistent_id
store.save()
request = SimpleNamespace(session=store, META={"REMOTE_ADDR": "127.0.0.1"})
actions.start_session(by=user, request=request)
intro = Introduction.objects.exclude(state="closed").order_by("received_at").first()
print(settings.SESSION_COOKIE_NAME, store.session_key, intro.pk, intro.person_id)
"""


def prepare(env) -> tuple[str, str, str, str]:
    run(env, str(BIN / "livingwell"), "migrate", "--noinput")
    print(f"Seeding (if empty): {PEOPLE} people, {YEARS} years ...", flush=True)
    run(
        env,
        str(BIN / "livingwell"),
        "seed",
        "--people",
        str(PEOPLE),
        "--years",
        str(YEARS),
        "--seed",
        "1",
        "--if-empty",
    )
    run(env, str(BIN / "livingwell"), "collectstatic", "--noinput")
    cookie, key, intro_id, person_id = run(env, str(BIN / "python"), "-c", SETUP).split()[-4:]
    return cookie, key, intro_id, person_id


def start_server(env) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "livingwell.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    for _attempt in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/")
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def timed_get(path: str, cookie: str) -> tuple[float, int]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    start = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, response.status


def main() -> None:
    env = environment()
    cookie_name, session_key, intro_id, person_id = prepare(env)
    cookie = f"{cookie_name}={session_key}"
    pages = {
        "floor": f"/__floor__/?id={person_id}",
        "dashboard": "/insight/",
        "hub board": "/hub/",
        "record": f"/hub/introductions/{intro_id}/",
    }
    server = start_server(env)
    try:
        for name, path in pages.items():
            for _warm in range(3):
                _t, status = timed_get(path, cookie)
            if status != 200:
                raise SystemExit(f"{name} ({path}) answered {status}; the benchmark needs 200")
        times: dict[str, list[float]] = {name: [] for name in pages}
        for _round in range(REQUESTS):
            for name, path in pages.items():  # interleaved, so all pages see the same conditions
                times[name].append(timed_get(path, cookie)[0] * 1000)
    finally:
        server.terminate()
        server.wait(timeout=30)

    def p(values, q):
        return statistics.quantiles(values, n=100, method="inclusive")[q - 1]

    floor50, floor95 = p(times["floor"], 50), p(times["floor"], 95)
    print(
        f"\n{env['DATABASE_URL'].split(':')[0]}, {PEOPLE} people, {YEARS} years, "
        f"{WORKERS} workers, {REQUESTS} requests per page"
    )
    print(
        f"{'page':<11}{'p50 ms':>9}{'p95 ms':>9}{'p50 x floor':>13}{'p95 x floor':>13}{'goal':>7}"
    )
    for name in pages:
        p50, p95 = p(times[name], 50), p(times[name], 95)
        goal = GOALS.get(name)
        mark = (
            ""
            if goal is None
            else (f"<={goal:g}x " + ("ok" if p50 / floor50 <= goal else "MISSED"))
        )
        print(
            f"{name:<11}{p50:>9.1f}{p95:>9.1f}{p50 / floor50:>13.2f}{p95 / floor95:>13.2f}  {mark}"
        )


if __name__ == "__main__":
    sys.exit(main())
