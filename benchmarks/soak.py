"""`make soak`: the site under load while its processes are killed; then proof nothing was lost.

For each database (SQLite, then the benchmark's PostgreSQL cluster, fsync on), a fresh borough
of modest size is seeded and served with gunicorn (several sync workers), using the benchmark's
own machinery (run.py: the cluster, the seed, gunicorn; site_setup.py: the Hub worker signed in
through the site's own sign-in, one session per client). Then SOAK_CLIENTS clients drive a mixed
load for SOAK_SECONDS: front-door introductions (each from an address of its own; a fifth sent a
second time after their answer, and any that got no answer sent again, as a person would),
contacts and plan versions written by the Hub worker, the board, records, and the directory API.
A third of the way in one worker is killed with SIGKILL (gunicorn starts another); two thirds in
the master is, then its workers (as systemd does to the rest of a service whose main process
died), and the site is started again; the load goes on for at least a third of its time after.

Afterwards (soak_site.py, in the site's environment) and by the plain functions in
soak_checks.py:
- every introduction, contact and plan version whose request got a success answer exists exactly
  once, and none, answered or not, exists twice;
- nothing is half-written: `rebuild_board --check` and the seed's invariants hold;
- `audit verify` passes;
- no request failed outside the kill windows (from each kill until the site answered again).
It prints requests per second, p50/p95 by page and the error counts, writes them to
benchmarks/results/soak.json, and exits 1 if any verdict fails.

Environment (defaults in brackets): SOAK_PEOPLE [500], SOAK_YEARS [2], SOAK_CLIENTS [20],
SOAK_SECONDS [45], SOAK_MAX_REQUESTS [20000], SOAK_DB [both], SOAK_THREADS [clients / workers,
rounded up: gunicorn serves every client at once]; BENCH_WORKERS and BENCH_PORT as for
`make bench`.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

import run
import soak_checks
from soak_checks import Request, Sent

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "soak.json"
PEOPLE = int(os.environ.get("SOAK_PEOPLE", "500"))
YEARS = int(os.environ.get("SOAK_YEARS", "2"))
CLIENTS = int(os.environ.get("SOAK_CLIENTS", "20"))
# Threads per gunicorn worker, so that the site serves as many requests at once as there are
# clients: every request writes (an audit event for each read of a record, the session, the rate
# limit's count), so 20 clients are 20 concurrent writers.
THREADS = int(os.environ.get("SOAK_THREADS", str(-(-CLIENTS // run.WORKERS))))
SECONDS = float(os.environ.get("SOAK_SECONDS", "45"))
MAX_REQUESTS = int(os.environ.get("SOAK_MAX_REQUESTS", "20000"))
# After a worker is killed, gunicorn answers again at once from the others and starts another:
# a request cut off by the kill ends within this time of it.
WORKER_KILL_GRACE_S = 3.0
# How the load is mixed: the weight of each kind of request.
MIX = {
    "introduction": 25,
    "contact": 15,
    "plan": 10,
    "board": 15,
    "record": 20,
    "directory": 15,
}
RESEND_SHARE = 0.2  # of acknowledged introductions, sent a second time
ATTEMPTS = 5  # a person whose introduction got no answer tries again, up to this many times


@dataclass(frozen=True)
class SoakBorough(run.Borough):
    @property
    def name(self) -> str:
        return f"soak_{self.people}p_{self.years}y"


class Load:
    """The clients, what they sent and every request's outcome."""

    def __init__(self, cookies: list[str], targets: list[str], started: float):
        self.cookies = cookies
        self.targets = targets
        self.started = started
        self.lock = threading.Lock()
        self.requests: list[Request] = []
        self.sent: list[Sent] = []
        self.plan_introductions: set[str] = set()
        self.count = 0
        self.deadline = started + SECONDS
        self.duration = 0.0

    # --- HTTP ------------------------------------------------------------------------------
    def call(self, page, method, path, *, cookie="", body=None, forwarded=None, expect=(200,)):
        """One request; returns (status, location) or (None, "") when no answer came."""
        headers = {"Host": "127.0.0.1"}
        if cookie:
            headers["Cookie"] = cookie
        if forwarded:
            headers["X-Forwarded-For"] = forwarded
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.perf_counter()
        status, location = None, ""
        conn = http.client.HTTPConnection("127.0.0.1", run.PORT, timeout=120)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            response.read()
            status, location = response.status, response.getheader("Location", "")
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()
        ended = time.perf_counter()
        ok = status in expect
        with self.lock:
            self.requests.append(
                Request(page, began - self.started, ended - self.started, status, ok)
            )
        if status is None:
            time.sleep(0.25)  # nothing is listening: a person waits a moment before trying again
        return status if ok else None, location

    def more(self) -> bool:
        with self.lock:
            if self.count >= MAX_REQUESTS or time.perf_counter() >= self.deadline:
                return False
            self.count += 1
            return True

    # --- What a client does ----------------------------------------------------------------
    def client(self, n: int) -> None:
        rng = random.Random(n)
        csrf = secrets.token_hex(16)  # Django accepts its 32-character secret as the token
        staff = f"{self.cookies[n % len(self.cookies)]}; csrftoken={csrf}"
        kinds, weights = list(MIX), list(MIX.values())
        while self.more():
            kind = rng.choices(kinds, weights)[0]
            target = rng.choice(self.targets)
            if kind == "introduction":
                self.introduce(rng, n, csrf)
            elif kind == "contact":
                self.write(
                    "contact",
                    f"/hub/introductions/{target}/contact/",
                    staff,
                    csrf,
                    lambda text: {
                        "outcome": "attended",
                        "mode": "phone",
                        "contact_date": date.today().isoformat(),
                        "duration_minutes": "30",
                        "note": text,
                    },
                )
            elif kind == "plan":
                with self.lock:
                    self.plan_introductions.add(target)
                self.write(
                    "plan",
                    f"/hub/introductions/{target}/plan/",
                    staff,
                    csrf,
                    lambda text: {
                        "goal_1": text,
                        "review_date": (date.today() + timedelta(days=30)).isoformat(),
                    },
                )
            elif kind == "board":
                self.call("board", "GET", "/hub/", cookie=staff)
            elif kind == "record":
                self.call("record", "GET", f"/hub/introductions/{target}/", cookie=staff)
            else:
                page = rng.randint(1, 3)
                self.call("directory", "GET", f"/api/oruk/services?page={page}")

    def introduce(self, rng: random.Random, n: int, csrf: str) -> None:
        mark = uuid.uuid4().hex
        body = {
            "csrfmiddlewaretoken": csrf,
            "submission_key": mark,
            "risk_now": "no",
            "whats_happening": text_of("introduction", mark),
            "given_name": rng.choice(["Alex", "Sam", "Jo", "Priya", "Kwame", "Mei"]),
            "family_name": rng.choice(["Shah", "Okafor", "Smith", "Nowak", "Evans"]),
            "postcode": "SW9 8AA",
            "phone": "07700 900111",
        }
        # An address of its own per introduction: the front door's rate limit is per client.
        address = f"10.{n}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        acknowledged = False
        for _attempt in range(ATTEMPTS):
            status, location = self.call(
                "introduction",
                "POST",
                "/introduce/for-myself/",
                cookie=f"csrftoken={csrf}",
                body=body,
                forwarded=address,
                expect=(302,),
            )
            if status and location.endswith("/introduce/thank-you/"):
                acknowledged = True
                break
            time.sleep(0.5)
        if acknowledged and rng.random() < RESEND_SHARE:
            # The same introduction sent again (Send pressed twice, or Back then Send).
            status, location = self.call(
                "introduction sent again",
                "POST",
                "/introduce/for-myself/",
                cookie=f"csrftoken={csrf}",
                body=body,
                forwarded=address,
                expect=(302,),
            )
        with self.lock:
            self.sent.append(Sent("introduction", mark, acknowledged))

    def write(self, kind, path, staff, csrf, fields) -> None:
        """A worker's save: sent once (a worker who got no answer would look at the record before
        saving again, so that a retry is never the harness's duplicate)."""
        mark = uuid.uuid4().hex
        body = {"csrfmiddlewaretoken": csrf, **fields(text_of(kind, mark))}
        status, location = self.call(kind, "POST", path, cookie=staff, body=body, expect=(302,))
        acknowledged = bool(status) and "/hub/introductions/" in location
        with self.lock:
            self.sent.append(Sent(kind, mark, acknowledged))


def text_of(kind: str, mark: str) -> str:
    return f"Soak {kind} {mark}"  # as soak_site.text_of finds it


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in brackets and may hold spaces: the parent's id follows it.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def answering() -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", run.PORT, timeout=5)
        conn.request("GET", "/")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except (OSError, http.client.HTTPException):
        return False


def candidates(env, staff_cookie: str) -> list[str]:
    """Open introductions the Hub worker may record contacts and plans on (asked of the site)."""
    found = json.loads(
        run.run(env, str(run.BIN / "python"), str(HERE / "soak_site.py"), "candidates", "200")
        .strip()
        .splitlines()[-1]
    )
    targets = []
    for intro in found:
        paths = [f"/hub/introductions/{intro}/{page}/" for page in ("contact", "plan")]
        if all(get_status(path, staff_cookie) == 200 for path in paths):
            targets.append(intro)
        if len(targets) == 30:
            break
    if not targets:
        raise SystemExit("no open introduction the Hub worker may write to")
    return targets


def get_status(path: str, cookie: str) -> int | None:
    try:
        return run.get(path, cookie)
    except (OSError, http.client.HTTPException):
        return None


def fresh(engine: str, url_for) -> tuple[SoakBorough, str]:
    borough = SoakBorough(engine, PEOPLE, YEARS)
    url = url_for(borough)
    if engine == "sqlite":
        path = Path(urllib.parse.urlparse(url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        parts = urllib.parse.urlparse(url)
        where = ["-h", parts.hostname, "-p", str(parts.port), "-U", parts.username]
        bindir = Path(subprocess.check_output(["pg_config", "--bindir"], text=True).strip())
        subprocess.run([str(bindir / "dropdb"), *where, borough.name], check=True)
        subprocess.run([str(bindir / "createdb"), *where, borough.name], check=True)
    (run.DATA / f"{engine}-{borough.name}.seed.json").unlink(missing_ok=True)
    return borough, url


def soak(engine: str) -> dict:
    with run.postgres_cluster() if engine == "postgres" else run.sqlite_files() as url_for:
        borough, url = fresh(engine, url_for)
        print(f"\n{engine}: {PEOPLE} people, {YEARS} years", flush=True)
        env = run.environment(url)
        # Behind a proxy, as in production: each introduction comes from an address of its own.
        env["LIVINGWELL_BEHIND_PROXY"] = "true"
        info = run.prepare(env, borough, sessions=CLIENTS, refresh=False)
        with ExitStack() as stack:
            server = stack.enter_context(run.serving(env, threads=THREADS))
            targets = candidates(env, info["cookies"][0])
            print(f"  {CLIENTS} clients for {SECONDS:g} s on {len(targets)} introductions ...")
            load, kills = drive(env, stack, server, info["cookies"], targets)
        verdict = verify(env, load)
    return report(engine, info, load, kills, verdict)


def drive(env, stack: ExitStack, server, cookies, targets):
    started = time.perf_counter()
    load = Load(cookies, targets, started)
    threads = [threading.Thread(target=load.client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    kills = []

    def at(fraction: float) -> None:
        time.sleep(max(0.0, started + SECONDS * fraction - time.perf_counter()))

    at(1 / 3)
    workers = children(server.pid)
    victim = workers[0]
    os.kill(victim, signal.SIGKILL)
    moment = time.perf_counter() - started
    kills.append({"what": "worker", "pid": victim, "at_s": round(moment, 2)})
    print(f"  killed worker {victim} at {moment:.1f} s", flush=True)

    at(2 / 3)
    orphans = children(server.pid)
    os.kill(server.pid, signal.SIGKILL)
    moment = time.perf_counter() - started
    server.wait()
    print(f"  killed the master {server.pid} at {moment:.1f} s", flush=True)
    # As the service manager does when a service's main process dies (systemd's default
    # KillMode=control-group): the rest of its processes are killed, then it is started again.
    # (Left alone, orphaned sync workers keep serving while requests keep coming, holding the
    # port, and leave only when the queue is empty.)
    for pid in orphans:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    stack.enter_context(run.serving(env, threads=THREADS))
    ready = time.perf_counter() - started
    kills.append({"what": "master", "pid": server.pid, "at_s": round(moment, 2)})
    kills[-1]["answering_again_at_s"] = round(ready, 2)
    print(f"  started again; answering at {ready:.1f} s", flush=True)
    with load.lock:
        # The load goes on after the restart for a third of its time at least.
        load.deadline = max(load.deadline, time.perf_counter() + SECONDS / 3)
    for thread in threads:
        thread.join()
    load.duration = time.perf_counter() - started
    return load, kills


def windows(kills: list[dict]) -> list[tuple[float, float]]:
    found = []
    for kill in kills:
        end = kill.get("answering_again_at_s", kill["at_s"] + WORKER_KILL_GRACE_S)
        found.append((kill["at_s"], end + (1.0 if "answering_again_at_s" in kill else 0.0)))
    return found


def verify(env, load: Load) -> dict:
    marks: dict[str, list[str]] = {}
    for item in load.sent:
        marks.setdefault(item.kind, []).append(item.mark)
    marks["plan_introductions"] = sorted(load.plan_introductions)
    path = run.DATA / "soak-sent.json"
    path.write_text(json.dumps(marks))
    out = run.run(env, str(run.BIN / "python"), str(HERE / "soak_site.py"), "verify", str(path))
    return json.loads(out.strip().splitlines()[-1])


def report(engine, info, load: Load, kills, verdict) -> dict:
    kill_windows = windows(kills)
    outside = soak_checks.errors_outside(load.requests, kill_windows)
    write_problems = soak_checks.write_problems(load.sent, verdict["found"])
    ok_requests = sum(1 for r in load.requests if r.ok)
    sent = {
        kind: {
            "sent": sum(1 for s in load.sent if s.kind == kind),
            "acknowledged": sum(1 for s in load.sent if s.kind == kind and s.acknowledged),
        }
        for kind in ("introduction", "contact", "plan")
    }
    result = {
        "engine": info["engine"],
        "database_settings": info["database_settings"],
        "borough": {k: info[k] for k in ("people", "introductions", "contacts")},
        "clients": CLIENTS,
        "workers": run.WORKERS,
        "threads_per_worker": THREADS,
        "seconds": round(load.duration, 1),
        "requests": len(load.requests),
        "requests_per_second": round(ok_requests / load.duration, 1),
        "pages": soak_checks.by_page(load.requests),
        "errors": {
            "total": len(load.requests) - ok_requests,
            "during_kills": len(load.requests) - ok_requests - len(outside),
            "outside_kills": len(outside),
            "busy_503": soak_checks.busy_answers(load.requests),
            "outside_kills_detail": [asdict(r) for r in outside[:20]],
        },
        "kills": kills,
        "writes": sent,
        "write_problems": write_problems,
        "board_in_step": verdict["board_in_step"],
        "seed_invariant_problems": verdict["seed_invariant_problems"],
        "audit_chain_ok": verdict["audit_chain_ok"],
        "audit_events": verdict["audit_events"],
    }
    result["passed"] = (
        not write_problems
        and not outside
        and result["errors"]["busy_503"] == 0
        and verdict["board_in_step"]
        and not verdict["seed_invariant_problems"]
        and verdict["audit_chain_ok"]
    )
    print_result(result, verdict)
    return result


def print_result(result: dict, verdict: dict) -> None:
    errors = result["errors"]
    print(
        f"\n{result['engine']}: {result['requests']} requests in {result['seconds']} s, "
        f"{result['requests_per_second']} answered/s, {result['clients']} clients, "
        f"{result['workers']} workers x {result['threads_per_worker']} threads"
    )
    print(f"{'page':<26}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for name, page in result["pages"].items():
        p50 = f"{page['p50_ms']:.1f}" if page["p50_ms"] is not None else "-"
        p95 = f"{page['p95_ms']:.1f}" if page["p95_ms"] is not None else "-"
        print(f"{name:<26}{page['requests']:>9}{page['errors']:>8}{p50:>9}{p95:>9}")
    print(
        f"errors: {errors['total']} ({errors['during_kills']} during the kills, "
        f"{errors['outside_kills']} outside them); busy answers (503): {errors['busy_503']}"
    )
    for kind, counts in result["writes"].items():
        print(f"{kind}s: {counts['sent']} sent, {counts['acknowledged']} acknowledged")
    print(f"acknowledged writes lost or duplicated: {len(result['write_problems'])}")
    for problem in result["write_problems"][:10]:
        print(f"  {problem}")
    print(f"rebuild_board --check: {'in step' if result['board_in_step'] else 'OUT OF STEP'}")
    if not result["board_in_step"]:
        print(f"  {verdict['board_said']}")
    print(f"seed invariants: {result['seed_invariant_problems'] or 'all hold'}")
    print(
        f"audit verify: {'intact' if result['audit_chain_ok'] else 'BROKEN'} "
        f"({result['audit_events']} events)"
    )
    print("PASSED" if result["passed"] else "FAILED")


def main() -> int:
    chosen = os.environ.get("SOAK_DB", "both").lower()
    engines = ["sqlite", "postgres"] if chosen == "both" else [chosen]
    results = {engine: soak(engine) for engine in engines}
    doc = {
        "generated_at": run.now_utc(),
        "commit": run.commit(),
        "machine": {"cpus": os.cpu_count(), "load_average": list(os.getloadavg())},
        "settings": {
            "people": PEOPLE,
            "years": YEARS,
            "clients": CLIENTS,
            "seconds": SECONDS,
            "max_requests": MAX_REQUESTS,
            "mix": MIX,
            "resend_share": RESEND_SHARE,
        },
        "databases": results,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"\nWritten to {RESULTS.relative_to(run.ROOT)}")
    return 0 if all(r["passed"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
