"""`make bench`: p50/p95 of the dashboard, the Hub board and a record vs the framework floor.

Builds (or reuses) a seeded database under benchmarks/data/ (git-ignored), starts gunicorn with
several workers on 127.0.0.1, signs a demo Hub worker in by creating a session directly (MFA
device set), then requests every page the same number of times, round-robin (the order rotates
each round, so machine noise falls on all pages alike), after discarded warm-up rounds. It prints
p50 and p95 per page beside their ratio to the floor: a minimal Django view, behind the same
middleware, session and MFA check, doing one indexed query on the same server and database.

Usage: python benchmarks/run.py [--sqlite] [--postgres]   (default: both, one after the other)

Environment:
  BENCH_PEOPLE   people to seed (default 100000: the full-scale borough; 2000 for a quick look)
  BENCH_YEARS    years of history (default 10)
  BENCH_REQUESTS timed requests per page (default 60)
  BENCH_WARMUP   discarded warm-up rounds (default 5 per worker)
  BENCH_WORKERS  gunicorn workers (default 3)
  BENCH_PORT     port (default 8765)
  BENCH_DB       "sqlite", "postgres" or "both" (default): PostgreSQL is a throwaway cluster
                 whose data directory is kept in benchmarks/data/ for the next run (started and
                 stopped here)
  DATABASE_URL   use this database instead (e.g. postgres://...); it is seeded if empty
The first full-scale run seeds each database once (SQLite about 5 minutes on 2 cores; PostgreSQL
longer); later runs reuse them. Quick look: BENCH_PEOPLE=2000 BENCH_YEARS=3 make bench.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
BIN = ROOT / ".venv" / "bin"
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "100000"))
YEARS = int(os.environ.get("BENCH_YEARS", "10"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "60"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
WARMUP = int(os.environ.get("BENCH_WARMUP", str(5 * WORKERS)))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
GOALS = {"dashboard": 3.0, "hub board": 2.0, "record": 2.0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_cluster():
    """A PostgreSQL cluster for the benchmark, kept in benchmarks/data/ so the seed is reused.

    PostgreSQL refuses to run as root, so as root the cluster runs as `postgres` (or `nobody`),
    as scripts/pg-throwaway.sh does.
    """
    bindir = Path(subprocess.check_output(["pg_config", "--bindir"], text=True).strip())
    runas: list[str] = []
    owner = None
    if os.geteuid() == 0:
        owner = "postgres"
        if subprocess.run(["id", "-u", owner], capture_output=True).returncode:
            owner = "nobody"
        runas = ["runuser", "-u", owner, "--"]
    datadir = DATA / f"pg-{PEOPLE}p-{YEARS}y"
    sockets = Path(tempfile.mkdtemp(prefix="livingwell-bench-pg."))
    if owner:
        shutil.chown(sockets, owner)
    port = free_port()
    fresh = not (datadir / "PG_VERSION").exists()
    if fresh:
        datadir.mkdir(parents=True, exist_ok=True)
        if owner:
            shutil.chown(datadir, owner)
        datadir.chmod(0o700)
        subprocess.run(
            [*runas, str(bindir / "initdb"), "-D", str(datadir), "-U", "livingwell"]
            + ["--auth=trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
        )
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*runas, str(bindir / "pg_ctl"), "-D", str(datadir), "-o", options]
        + ["-l", str(sockets / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        if fresh:
            subprocess.run(
                [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port)]
                + ["-U", "livingwell", "livingwell"],
                check=True,
            )
        yield f"postgres://livingwell@127.0.0.1:{port}/livingwell"
    finally:
        subprocess.run(
            [*runas, str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "fast", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(sockets, ignore_errors=True)


def environment(database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if database_url:
        env["DATABASE_URL"] = database_url
    if "DATABASE_URL" not in env:
        DATA.mkdir(exist_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{DATA / f'bench-{PEOPLE}p-{YEARS}y.sqlite3'}"
    env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env.setdefault("LIVINGWELL_ENV", "development")
    env.setdefault("LIVINGWELL_DEMO_MODE", "1")
    return env


def run(env, *args: str) -> str:
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"{args[1] if len(args) > 1 else args[0]} failed")
    return result.stdout


SETUP = r"""
import json
import django
django.setup()
from types import SimpleNamespace
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.utils.module_loading import import_string
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from livingwell.accounts import actions
from livingwell.accounts.models import Membership
from livingwell.hub.models import Contact
from livingwell.insight.models import PopulationGroup
from livingwell.intake.models import Introduction
from livingwell.people.models import Person

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
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        # The steady state autovacuum keeps a live site in: after a bulk load or an upgrade's
        # data migration rewrote whole tables, dead rows vacuumed (index-only scans depend on
        # it) and planner statistics gathered. Measuring before that would time the backlog.
        cursor.execute("VACUUM ANALYZE")
    cursor.execute("select version()" if connection.vendor == "postgresql"
                   else "select 'SQLite ' || sqlite_version()")
    version = cursor.fetchone()[0].split(" on ")[0].split(",")[0]
print(json.dumps({
    "cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}",
    "intro": str(intro.pk), "person": str(intro.person_id), "engine": version,
    "people": Person.objects.count(), "introductions": Introduction.objects.count(),
    "contacts": Contact.objects.count(), "record_contacts": intro.contacts.count(),
}))
"""


SNAPSHOT_TIMES = r"""
import json
import django
django.setup()
from livingwell.insight.models import DashboardSnapshot
print(json.dumps(sorted(DashboardSnapshot.objects.values_list("compute_ms", flat=True))))
"""


def prepare(env) -> dict:
    run(env, str(BIN / "livingwell"), "migrate", "--noinput")
    print(f"Seeding (if empty): {PEOPLE} people, {YEARS} years ...", flush=True)
    run(
        env,
        *[str(BIN / "livingwell"), "seed", "--people", str(PEOPLE), "--years", str(YEARS)],
        *["--seed", "1", "--if-empty"],
    )
    run(env, str(BIN / "livingwell"), "collectstatic", "--noinput")
    info = json.loads(run(env, str(BIN / "python"), "-c", SETUP).strip().splitlines()[-1])
    # What the scheduled job does (README, "Running in production"): the dashboard's standard
    # views computed and stored. Timed here because viewers are served the stored figures.
    started = time.perf_counter()
    run(env, str(BIN / "livingwell"), "insight", "refresh")
    info["refresh_s"] = time.perf_counter() - started
    info["compute_ms"] = json.loads(run(env, str(BIN / "python"), "-c", SNAPSHOT_TIMES))
    return info


def start_server(env) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "livingwell.wsgi", "--bind", f"127.0.0.1:{PORT}"]
        + ["--workers", str(WORKERS), "--log-level", "warning"],
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


def rounds(pages: dict[str, str], count: int):
    """`count` rounds over every page; the starting page rotates each round."""
    names = list(pages)
    for n in range(count):
        k = n % len(names)
        yield names[k:] + names[:k]


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def measure(env, info: dict) -> dict[str, list[float]]:
    cookie = info["cookie"]
    pages = {
        "floor": f"/__floor__/?id={info['person']}",
        "staff floor": f"/__floor__/staff/?id={info['person']}",
        "dashboard": "/insight/",
        "hub board": "/hub/",
        "record": f"/hub/introductions/{info['intro']}/",
    }
    server = start_server(env)
    times: dict[str, list[float]] = {name: [] for name in pages}
    try:
        for order in rounds(pages, WARMUP):  # discarded: imports, template and URL caches
            for name in order:
                _t, status = timed_get(pages[name], cookie)
                if status != 200:
                    raise SystemExit(f"{name} ({pages[name]}) answered {status}; need 200")
        for order in rounds(pages, REQUESTS):
            for name in order:
                elapsed, status = timed_get(pages[name], cookie)
                if status != 200:
                    raise SystemExit(f"{name} answered {status} during the timed rounds")
                times[name].append(elapsed * 1000)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return times


def report(info: dict, times: dict[str, list[float]]) -> None:
    floor50, floor95 = percentile(times["floor"], 50), percentile(times["floor"], 95)
    print(
        f"\n{info['engine']}; seeded {PEOPLE} people / {YEARS} years "
        f"({info['people']} people, {info['introductions']} introductions, "
        f"{info['contacts']} contacts; the record shown has {info['record_contacts']} contacts)"
    )
    print(
        f"gunicorn {WORKERS} sync workers; {REQUESTS} timed requests per page, round-robin, "
        f"after {WARMUP} discarded warm-up rounds"
    )
    computed = info["compute_ms"]
    if computed:
        print(
            "dashboard figures computed by `livingwell insight refresh` in "
            f"{info['refresh_s']:.1f} s for {len(computed)} views: per view median "
            f"{statistics.median(computed):.0f} ms, "
            f"slowest {max(computed)} ms (served to viewers from the stored result below)"
        )
    print(f"{'page':<11}{'p50 ms':>9}{'p95 ms':>9}{'p50 x floor':>13}{'p95 x floor':>13}  goal")
    for name, values in times.items():
        p50, p95 = percentile(values, 50), percentile(values, 95)
        goal = GOALS.get(name)
        mark = ""
        if goal is not None:
            mark = f"<={goal:g}x " + ("ok" if p50 / floor50 <= goal else "MISSED")
        print(
            f"{name:<11}{p50:>9.1f}{p95:>9.1f}{p50 / floor50:>13.2f}{p95 / floor95:>13.2f}  {mark}"
        )
    # Staff pages also read the user's roles (the staff policy), which the floor does not; this
    # shows the pages against a floor that reads them too.
    staff50 = percentile(times["staff floor"], 50)
    print(
        "p50 x the staff floor: "
        + ", ".join(
            f"{name} {percentile(values, 50) / staff50:.2f}"
            for name, values in times.items()
            if name in GOALS
        )
    )


def bench(postgres: bool) -> None:
    if postgres and "DATABASE_URL" not in os.environ:
        with postgres_cluster() as url:
            env = environment(url)
            info = prepare(env)
            times = measure(env, info)
    else:
        env = environment(None)
        info = prepare(env)
        times = measure(env, info)
    report(info, times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="SQLite (a file in benchmarks/data)")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster")
    args = parser.parse_args()
    chosen = os.environ.get("BENCH_DB", "both").lower()
    engines = [e for e, flag in (("sqlite", args.sqlite), ("postgres", args.postgres)) if flag]
    if not engines:
        engines = ["sqlite", "postgres"] if chosen == "both" else [chosen]
    if "DATABASE_URL" in os.environ:
        engines = engines[:1]  # the database given is the one measured
    for engine in engines:
        bench(postgres=engine == "postgres")


if __name__ == "__main__":
    sys.exit(main())
