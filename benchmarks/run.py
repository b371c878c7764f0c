"""`make bench`: the dashboard, the Hub board and a record against the floor, one client and many.

For each database (SQLite, then a throwaway PostgreSQL cluster running with fsync on, as a site's
would), builds or reuses a seeded borough under benchmarks/data/ (git-ignored), serves it with
gunicorn (several sync workers) on 127.0.0.1 and signs the demo Hub worker in through the site's
own sign-in (password and authenticator; site_setup.py), once per concurrent client. Then:

1. One client: every page requested the same number of times, round-robin (the order rotates
   each round, so machine noise falls on all pages alike), after discarded warm-up rounds; p50
   and p95 per page and each as a multiple of the floor's.
2. Concurrent clients: each page driven by 10, then 30 clients at once (each with a session of
   its own), for a bounded time and a bounded count; requests answered per second, and the
   page's cost: the floor's throughput divided by the page's. The floor is driven before and
   after the pages, and its throughput is the mean of the two, so a drift shows.
3. Growth: the floor and the board again, one client, on a borough a tenth the size (10,000
   people), to show how the board grows with the open work.

The floor is a minimal staff page (floor_urls.py): the same middleware, sign-in and staff policy
as the pages, then one indexed query and a plain-text answer. The scheduled
`livingwell insight refresh` is timed too (viewers are served its stored figures, ADR 0008).
Everything is printed, and written to benchmarks/results/latest.json (layout: README).

Usage: python benchmarks/run.py [--sqlite] [--postgres]   (default: both, one after the other)

Environment:
  BENCH_PEOPLE        people in the borough (default 100000: the full-scale borough)
  BENCH_SMALL_PEOPLE  the smaller borough the board is also timed at (default BENCH_PEOPLE / 10;
                      0 to skip)
  BENCH_YEARS         years of history (default 10)
  BENCH_REQUESTS      timed requests per page, one client (default 60)
  BENCH_WARMUP        discarded warm-up rounds (default 5 per worker)
  BENCH_WORKERS       gunicorn sync workers (default 2 per CPU)
  BENCH_CLIENTS       concurrent clients, comma-separated (default "10,30")
  BENCH_SECONDS       how long each page is driven at each level of concurrency (default 10)
  BENCH_MAX_REQUESTS  at most this many requests per page and level (default 20000)
  BENCH_PORT          port (default: a free one)
  BENCH_DB            "sqlite", "postgres" or "both" (default)
The first full-scale run seeds each borough once (5 to 20 minutes each at 100,000 people on 2
cores; PostgreSQL the longer); later runs reuse them, and report the time the seed took then.
Quick look: BENCH_PEOPLE=2000 BENCH_YEARS=3 BENCH_SECONDS=2 make bench.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import figures

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "results" / "latest.json"
BIN = ROOT / ".venv" / "bin"
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "100000"))
SMALL_PEOPLE = int(os.environ.get("BENCH_SMALL_PEOPLE", str(PEOPLE // 10)))
YEARS = int(os.environ.get("BENCH_YEARS", "10"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "60"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1))))
WARMUP = int(os.environ.get("BENCH_WARMUP", str(5 * WORKERS)))
CLIENTS = tuple(int(n) for n in os.environ.get("BENCH_CLIENTS", "10,30").split(","))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
MAX_REQUESTS = int(os.environ.get("BENCH_MAX_REQUESTS", "20000"))
LABELS = {"floor": "floor", "dashboard": "dashboard", "board": "Hub board", "record": "record"}


@dataclass(frozen=True)
class Borough:
    engine: str  # "sqlite" or "postgres"
    people: int
    years: int

    @property
    def name(self) -> str:
        return f"bench_{self.people}p_{self.years}y"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT = int(os.environ.get("BENCH_PORT", "0")) or free_port()


@contextmanager
def postgres_cluster():
    """A PostgreSQL cluster kept in benchmarks/data/pg/ (so seeds are reused), one database per
    borough. It runs with fsync, synchronous commit and full-page writes on, as a site's does:
    without them every commit (each request saves its session) would skip the disk.

    PostgreSQL refuses to run as root, so as root the cluster runs as `postgres` (or `nobody`),
    as scripts/pg-throwaway.sh does. Yields a function giving the URL of a borough's database,
    created when missing.
    """
    bindir = Path(subprocess.check_output(["pg_config", "--bindir"], text=True).strip())
    runas: list[str] = []
    owner = None
    if os.geteuid() == 0:
        owner = "postgres"
        if subprocess.run(["id", "-u", owner], capture_output=True).returncode:
            owner = "nobody"
        runas = ["runuser", "-u", owner, "--"]
    datadir = DATA / "pg"
    sockets = Path(tempfile.mkdtemp(prefix="livingwell-bench-pg."))
    if owner:
        shutil.chown(sockets, owner)
    port = free_port()
    if not (datadir / "PG_VERSION").exists():
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
    options = (
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1"
        " -c fsync=on -c synchronous_commit=on -c full_page_writes=on"
    )
    subprocess.run(
        [*runas, str(bindir / "pg_ctl"), "-D", str(datadir), "-o", options]
        + ["-l", str(sockets / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    connect = ["-h", "127.0.0.1", "-p", str(port), "-U", "livingwell"]

    def url_for(borough: Borough) -> str:
        found = subprocess.run(
            [str(bindir / "psql"), *connect, "-d", "postgres", "-Atc"]
            + [f"select 1 from pg_database where datname = '{borough.name}'"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        if not found:
            subprocess.run([str(bindir / "createdb"), *connect, borough.name], check=True)
        return f"postgres://livingwell@127.0.0.1:{port}/{borough.name}"

    try:
        yield url_for
    finally:
        subprocess.run(
            [*runas, str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "fast", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(sockets, ignore_errors=True)


@contextmanager
def sqlite_files():
    DATA.mkdir(exist_ok=True)
    yield lambda borough: f"sqlite:///{DATA / f'{borough.name}.sqlite3'}"


def environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env.setdefault("LIVINGWELL_ENV", "development")
    env.setdefault("LIVINGWELL_DEMO_MODE", "1")
    return env


def run(env, *args: str) -> str:
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"{' '.join(args[:3])} failed")
    return result.stdout


def site_step(env, *args: str):
    out = run(env, str(BIN / "python"), str(HERE / "site_setup.py"), *args)
    return json.loads(out.strip().splitlines()[-1])


def seed(env, borough: Borough) -> tuple[float | None, bool]:
    """Seeds the borough if its database is empty. The time a seed took is kept beside the
    database, so that a later run reusing it still reports it. Returns (seconds, seeded now)."""
    kept = DATA / f"{borough.engine}-{borough.name}.seed.json"
    if site_step(env, "people"):
        previous = json.loads(kept.read_text()) if kept.exists() else {}
        return previous.get("seed_s"), False
    print(f"  seeding {borough.people} people, {borough.years} years ...", flush=True)
    started = time.perf_counter()
    run(
        env,
        *[str(BIN / "livingwell"), "seed", "--people", str(borough.people)],
        *["--years", str(borough.years), "--seed", "1", "--if-empty"],
    )
    elapsed = round(time.perf_counter() - started, 1)
    kept.write_text(json.dumps({"seed_s": elapsed, "seeded_at": now_utc()}) + "\n")
    return elapsed, True


def prepare(env, borough: Borough, *, sessions: int, refresh: bool) -> dict:
    run(env, str(BIN / "livingwell"), "migrate", "--noinput")
    seed_s, seeded_now = seed(env, borough)
    run(env, str(BIN / "livingwell"), "collectstatic", "--noinput")
    info = site_step(env, "sessions", str(sessions))
    info["seed_s"], info["seeded_in_this_run"] = seed_s, seeded_now
    if refresh:
        # What the scheduled job does (README, "Running in production"): the dashboard's
        # standard views computed and stored; viewers are served the stored figures.
        started = time.perf_counter()
        run(env, str(BIN / "livingwell"), "insight", "refresh")
        info["insight_refresh_s"] = round(time.perf_counter() - started, 2)
        info["snapshot_compute_ms"] = site_step(env, "snapshots")
    return info


@contextmanager
def serving(env, *, threads: int = 1):
    """gunicorn serving the site until the block ends; yields its master process (the soak kills
    it and its workers on purpose). `threads` > 1: that many requests at once per worker."""
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "livingwell.wsgi", "--bind", f"127.0.0.1:{PORT}"]
        + ["--workers", str(WORKERS), "--log-level", "warning"]
        + (["--threads", str(threads)] if threads > 1 else []),
        env=env,
        cwd=ROOT,
    )
    try:
        for _attempt in range(150):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
                conn.request("GET", "/")
                conn.getresponse().read()
                conn.close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        yield server
    finally:
        server.terminate()
        server.wait(timeout=60)


def get(path: str, cookie: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def rounds(names: list[str], count: int):
    """`count` rounds over every page; the starting page rotates each round."""
    for n in range(count):
        k = n % len(names)
        yield names[k:] + names[:k]


def one_client(pages: dict[str, str], cookie: str) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in pages}
    for order in rounds(list(pages), WARMUP):  # discarded: imports, template and URL caches
        for name in order:
            status = get(pages[name], cookie)
            if status != 200:
                raise SystemExit(f"{name} ({pages[name]}) answered {status}; need 200")
    for order in rounds(list(pages), REQUESTS):
        for name in order:
            start = time.perf_counter()
            status = get(pages[name], cookie)
            elapsed = time.perf_counter() - start
            if status != 200:
                raise SystemExit(f"{name} answered {status} during the timed rounds")
            times[name].append(elapsed * 1000)
    return times


def drive(path: str, cookies: list[str]) -> figures.Drive:
    """One client per cookie, all starting together, each requesting `path` again as soon as
    it is answered, until BENCH_SECONDS have passed or BENCH_MAX_REQUESTS have been sent."""
    lock = threading.Lock()
    start_line = threading.Barrier(len(cookies) + 1)
    state = {"sent": 0, "errors": 0, "last": 0.0}
    times: list[float] = []
    deadline = 0.0

    def client(cookie: str) -> None:
        start_line.wait()
        while True:
            with lock:
                if state["sent"] >= MAX_REQUESTS or time.perf_counter() >= deadline:
                    return
                state["sent"] += 1
            began = time.perf_counter()
            try:
                status = get(path, cookie)
            except (OSError, http.client.HTTPException):
                status = None
            ended = time.perf_counter()
            with lock:
                if status == 200:
                    times.append((ended - began) * 1000)
                else:
                    state["errors"] += 1
                state["last"] = max(state["last"], ended)

    threads = [threading.Thread(target=client, args=(cookie,)) for cookie in cookies]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    deadline = started + SECONDS
    start_line.wait()
    for thread in threads:
        thread.join()
    return figures.Drive(
        ok=len(times),
        errors=state["errors"],
        seconds=max(state["last"] - started, 1e-9),
        times_ms=tuple(times),
    )


def concurrent(pages: dict[str, str], cookies: list[str]) -> dict[str, dict]:
    results = {}
    others = [name for name in pages if name != figures.FLOOR]
    for clients in CLIENTS:
        drives: dict[str, list[figures.Drive]] = {name: [] for name in pages}
        for name in [figures.FLOOR, *others, figures.FLOOR]:
            print(f"  {clients} clients: {LABELS[name]} ...", flush=True)
            drives[name].append(drive(pages[name], cookies[:clients]))
        results[str(clients)] = figures.throughput(drives)
    return results


def bench(engine: str) -> dict:
    large = Borough(engine, PEOPLE, YEARS)
    small = Borough(engine, SMALL_PEOPLE, YEARS) if 0 < SMALL_PEOPLE < PEOPLE else None
    result: dict = {"load_average": {"start": list(os.getloadavg())}}
    with postgres_cluster() if engine == "postgres" else sqlite_files() as url_for:
        print(f"\n{engine}: {PEOPLE} people, {YEARS} years", flush=True)
        env = environment(url_for(large))
        info = prepare(env, large, sessions=max(CLIENTS), refresh=True)
        pages = {
            "floor": f"/__floor__/?id={info['person']}",
            "dashboard": "/insight/",
            "board": "/hub/",
            "record": f"/hub/introductions/{info['intro']}/",
        }
        with serving(env):
            print("  one client ...", flush=True)
            times = one_client(pages, info["cookies"][0])
            together = concurrent(pages, info["cookies"])
        small_info = small_times = None
        if small:
            print(f"{engine}: {small.people} people, {YEARS} years (the board's growth)")
            small_env = environment(url_for(small))
            small_info = prepare(small_env, small, sessions=1, refresh=False)
            board_pages = {
                "floor": f"/__floor__/?id={small_info['person']}",
                "board": "/hub/",
            }
            with serving(small_env):
                small_times = one_client(board_pages, small_info["cookies"][0])
    result["load_average"]["end"] = list(os.getloadavg())
    result.update(
        engine=info["engine"],
        database_settings=info["database_settings"],
        borough={
            key: info[key] for key in ("people", "introductions", "contacts", "record_contacts")
        },
        seed_s=info["seed_s"],
        seeded_in_this_run=info["seeded_in_this_run"],
        insight_refresh_s=info["insight_refresh_s"],
        snapshot_compute_ms=info["snapshot_compute_ms"],
        pages=figures.latency(times),
        concurrent=together,
    )
    if small:
        small_pages = figures.latency(small_times)
        result["board_growth"] = {
            "small": {
                "people": small_info["people"],
                "introductions": small_info["introductions"],
                "seed_s": small_info["seed_s"],
                "pages": small_pages,
            },
            "large": {"people": info["people"], "introductions": info["introductions"]},
            **figures.growth(small_pages, result["pages"]),
        }
    else:
        result["board_growth"] = None
    result["goals"] = figures.goals(result["pages"], together)
    report(result)
    return result


def report(result: dict) -> None:
    borough = result["borough"]
    kept = ", ".join(f"{k}={v}" for k, v in result["database_settings"].items())
    print(
        f"\n{result['engine']} ({kept})"
        f"; seeded {PEOPLE} people / {YEARS} years: {borough['people']} people, "
        f"{borough['introductions']} introductions, {borough['contacts']} contacts; the record "
        f"shown has {borough['record_contacts']} contacts"
    )
    seeded = "in this run" if result["seeded_in_this_run"] else "when first built"
    seed_s = result["seed_s"]
    print(
        f"seed {f'{seed_s:.0f} s' if seed_s is not None else 'time unknown'} ({seeded}); "
        f"`livingwell insight refresh` {result['insight_refresh_s']:.1f} s for "
        f"{len(result['snapshot_compute_ms'])} stored views (served to viewers as stored)"
    )
    print(
        f"gunicorn {WORKERS} sync workers; load average {result['load_average']['start']} at "
        f"the start, {result['load_average']['end']} at the end"
    )
    print(
        f"\nOne client: {REQUESTS} timed requests per page, round-robin, after {WARMUP} "
        "discarded warm-up rounds"
    )
    print(f"{'page':<11}{'p50 ms':>9}{'p95 ms':>9}{'p50 x floor':>13}{'p95 x floor':>13}  goal")
    for name, page in result["pages"].items():
        limit = figures.LATENCY_GOALS.get(name)
        mark = ""
        if limit is not None:
            met = all(result["goals"][f"{name} {k}"]["met"] for k in ("p50_x_floor", "p95_x_floor"))
            mark = f"<={limit:g}x " + ("ok" if met else "MISSED")
        print(
            f"{LABELS[name]:<11}{page['p50_ms']:>9.1f}{page['p95_ms']:>9.1f}"
            f"{page['p50_x_floor']:>13.2f}{page['p95_x_floor']:>13.2f}  {mark}"
        )
    print(
        f"\nConcurrent clients: each page driven for {SECONDS:g} s (at most {MAX_REQUESTS} "
        "requests); requests/s, and cost = the floor's requests/s / the page's"
    )
    header = "".join(f"{f'{n} clients':>14}{'cost':>7}" for n in CLIENTS)
    print(f"{'page':<11}{header}  goal")
    for name in result["pages"]:
        cells = ""
        for n in CLIENTS:
            entry = result["concurrent"][str(n)][name]
            errors = f" ({entry['errors']} errors)" if entry["errors"] else ""
            cells += f"{entry['per_second']:>14.1f}{entry['cost_x_floor']:>7.2f}{errors}"
        limit = figures.COST_GOALS.get(name)
        mark = ""
        if limit is not None:
            met = all(
                result["goals"][f"{name} cost_x_floor at {n} clients"]["met"] for n in CLIENTS
            )
            mark = f"<={limit:g}x " + ("ok" if met else "MISSED")
        print(f"{LABELS[name]:<11}{cells}  {mark}")
    floor_runs = [result["concurrent"][str(n)]["floor"]["runs_per_second"] for n in CLIENTS]
    print(f"(the floor before and after the pages: {floor_runs} requests/s)")
    growth = result["board_growth"]
    if growth:
        small, large = growth["small"], growth["large"]
        board = small["pages"]["board"]
        print(
            f"\nThe board at {small['people']} people ({small['introductions']} introductions): "
            f"p50 {board['p50_ms']:.1f} ms ({board['p50_x_floor']:.2f}x its floor), p95 "
            f"{board['p95_ms']:.1f} ms; at {large['people']} people it took "
            f"{growth['p50_growth']:.2f}x as long at p50 ({growth['p50_x_floor_growth']:.2f}x "
            "against each borough's floor)"
        )


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def commit() -> str:
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=ROOT).returncode
    return f"{head}{'-dirty' if dirty else ''}" if head else "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="SQLite (a file in benchmarks/data)")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster")
    args = parser.parse_args()
    chosen = os.environ.get("BENCH_DB", "both").lower()
    engines = [e for e, flag in (("sqlite", args.sqlite), ("postgres", args.postgres)) if flag]
    if not engines:
        engines = ["sqlite", "postgres"] if chosen == "both" else [chosen]
    machine = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": list(os.getloadavg()),
    }
    generated_at = now_utc()
    databases = {engine: bench(engine) for engine in engines}
    doc = figures.document(
        generated_at=generated_at,
        commit=commit(),
        machine=machine,
        settings={
            "people": PEOPLE,
            "small_people": SMALL_PEOPLE if 0 < SMALL_PEOPLE < PEOPLE else None,
            "years": YEARS,
            "requests": REQUESTS,
            "warmup_rounds": WARMUP,
            "workers": WORKERS,
            "clients": list(CLIENTS),
            "seconds": SECONDS,
            "max_requests": MAX_REQUESTS,
        },
        databases=databases,
    )
    figures.write(doc, RESULTS)
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
