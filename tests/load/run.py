"""`make bench` and `make load`: serve CivicPath with gunicorn on loopback and measure it.

    python tests/load/run.py bench [--db sqlite|postgres] [--seconds 10] [--connections 8]
                                   [--pages "lesson page,question page"] [--small]
    python tests/load/run.py load  [--db sqlite|postgres] [--seconds 60] [--users 50]
                                   [--kill-workers] [--restart] [--two-instances]

bench: a fresh database with the seed packs and demo learners, gunicorn with DEBUG off and 2
workers, then for each page a wrk run on /healthz followed by one on the page, for a fixed time
each with 8 connections; the answer POST (each request carries the next sequence token, which
wrk cannot do) is driven by tests/load/loopback.py instead. Prints requests/s, p50/p95/p99 and
each page's ratio to the /healthz run just before it (the healthz row is the median of those
runs), pass/fail against the goals (reported, never an error exit), repeats dashboard and
statistics on a large dataset (10,000 learners, 50,000 attempts unless --small), and writes
JSON to bench-results/. wrk must be on PATH (`make bench` installs it with apt-get).
locust topped out near 700 req/s here, far below the app's /healthz, so it measured itself.

load: 50 learners (locust) take quizzes for 60 s while, optionally, a worker is killed every
10 s, the whole server restarts halfway, or requests alternate between two instances sharing the
database (and Redis, when REDIS_URL is set); then `manage.py audit_answers` checks that every
acknowledged answer is stored exactly once and every score matches its answers.
Only 127.0.0.1 is ever contacted.
"""

import argparse
import csv
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import loopback  # tests/load/loopback.py, next to this script

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
PG = "postgres://postgres@127.0.0.1:5432/"
ADMIN_USER, ADMIN_PASSWORD = "bench-admin", secrets.token_urlsafe(12)
WRK = shutil.which("wrk") or "wrk"
WRK_VERSION = "wrk"
LESSON = QUIZ = "us-mexico-reset"
DEMO_PASSWORD = "demo-learner-password"
PAGES = [
    "healthz",
    "home",
    "lesson page",
    "question page",
    "answer POST",
    "result page",
    "dashboard",
    "statistics page",
]
# Each page's requests/s over its paired /healthz run's (issue 12, point 6).
GOALS = {"lesson page": 0.60, "question page": 0.25}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Site:
    """A throwaway database and the gunicorn servers in front of it."""

    def __init__(self, db: str, workdir: Path, redis_url: str = "", label: str = "load"):
        self.workdir = workdir
        self.servers: list[subprocess.Popen] = []
        if db == "postgres":
            name = f"civicpath_{label}_{os.getpid()}"
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name],
                           check=True)  # fmt: skip
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
            self.database_url = PG + name
            self.pg_name = name
        else:
            self.database_url = f"sqlite:///{workdir / f'{label}.sqlite3'}"
            self.pg_name = ""
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": redis_url,
            "LOG_LEVEL": "WARNING",
            "AXES_FAILURE_LIMIT": "1000000",  # the benchmark logs in many times from 127.0.0.1
        }

    def manage(self, *args: str, quiet: bool = True) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=quiet,
            text=True,
        )
        if result.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout or ""

    def prepare(self, learners: int, attempts: int, prefix: str = "demo") -> None:
        log(f"preparing {self.database_url}")
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        self.manage("load_seeds")
        create_admin = (
            "from django.contrib.auth import get_user_model as g;"
            f"g().objects.create_superuser('{ADMIN_USER}', 'bench@example.org', "
            f"'{ADMIN_PASSWORD}')"
        )
        self.manage("shell", "-c", create_admin)
        if attempts:
            log(f"generating {learners:,} learners and {attempts:,} attempts")
            start = time.monotonic()
            out = self.manage(
                "generate_demo_data", "--learners", str(learners), "--attempts", str(attempts),
                "--prefix", prefix,
            )  # fmt: skip
            log(out.strip().splitlines()[-1] + f" ({time.monotonic() - start:.0f} s)")

    def quiz_pk(self, slug: str) -> int:
        code = f"from quizzes.models import Quiz; print(Quiz.objects.get(slug='{slug}').pk)"
        out = self.manage("shell", "-c", code)
        return int(out.strip().splitlines()[-1])

    def serve(self, port: int, workers: int = 2) -> subprocess.Popen:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "civics.wsgi", "--workers", str(workers),
             "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "5", "--timeout", "30",
             "--error-logfile", str(self.workdir / f"gunicorn-{port}.log")],
            cwd=ROOT, env=self.env,
        )  # fmt: skip
        self.servers.append(server)
        wait_until_up(port)
        return server

    def stop(self) -> None:
        for server in self.servers:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
        for server in self.servers:
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        if self.pg_name:
            subprocess.run(
                ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", self.pg_name],
                check=False,
            )


def wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on 127.0.0.1:{port}")


def locust(host: str, user_class: str, users: int, seconds: int, workdir: Path, env: dict) -> dict:
    """Run one headless locust; return {request name: stats row} from its CSV."""
    prefix = workdir / f"locust-{user_class}"
    subprocess.run(
        [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--only-summary",
         "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", host,
         "--csv", str(prefix), "--stop-timeout", "5", user_class],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    rows = {}
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = row
    return rows


WRK_SCRIPT = """
local requests = {}
local cookies = {%(cookies)s}
local paths = {%(paths)s}
local turn = 0
init = function(args)
  for i = 1, #paths do
    local headers = {}
    if cookies[i] ~= "" then headers["Cookie"] = cookies[i] end
    requests[i] = wrk.format("GET", paths[i], headers)
  end
end
request = function()
  turn = turn %% #requests + 1
  return requests[turn]
end
done = function(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    "WRK-JSON {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"errors\\": %%d, "
    .. "\\"status_errors\\": %%d, \\"p50_us\\": %%d, \\"p95_us\\": %%d, \\"p99_us\\": %%d}\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def lua_strings(values: list[str]) -> str:
    return ", ".join(json.dumps(value) for value in values)  # JSON strings are Lua strings here


def wrk(
    port: int, targets: list[tuple[str, str]], seconds: int, connections: int, workdir: Path
) -> dict:
    """One wrk run; `targets` are (path, Cookie header) pairs taken in turn, one per request."""
    script = workdir / "bench.lua"
    script.write_text(WRK_SCRIPT % {
        "paths": lua_strings([path for path, _ in targets]),
        "cookies": lua_strings([cookie for _, cookie in targets]),
    }, encoding="utf-8")  # fmt: skip
    threads = max(1, min(connections, os.cpu_count() or 1))
    result = subprocess.run(
        [WRK, "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
         "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=False, timeout=seconds + 60,
    )  # fmt: skip
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("WRK-JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk failed:\n{result.stdout}\n{result.stderr}")
    raw = json.loads(line.removeprefix("WRK-JSON "))
    return {
        "requests": raw["requests"],
        "failures": raw["errors"] + raw["status_errors"],
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
    }


def targets_for(name: str, port: int, users: int, stats_url: str) -> list[tuple[str, str]]:
    """What each page's requests ask for, one (path, cookies) per simulated user, with each
    user's set-up (log-in, starting an attempt) done here and checked before measuring."""
    if name == "healthz":
        return [("/healthz", "")]
    if name == "home":
        return [("/", "")]
    if name == "lesson page":
        return [(f"/lessons/{LESSON}/", "")]
    targets = []
    for number in range(1, users + 1):
        session = loopback.Session(port)
        if name == "question page":
            path = session.start_attempt(LESSON, QUIZ)
        elif name == "result page":
            attempt = session.start_attempt(LESSON, QUIZ).split("/")[2]
            session.post(f"/attempts/{attempt}/finish/", {})
            path = f"/attempts/{attempt}/result/"
        elif name == "dashboard":
            session.log_in(f"demo-{number:05d}", DEMO_PASSWORD)
            path = "/dashboard/"
        elif name == "statistics page":
            session.log_in(ADMIN_USER, ADMIN_PASSWORD)
            path = stats_url
        else:
            raise ValueError(name)
        targets.append((path, session.cookie_header()))
    for path, cookies in targets:
        check = loopback.Session(port)
        check.cookies = dict(part.split("=", 1) for part in cookies.split("; ") if part)
        status, final, _ = check.get(path, follow=False)
        if status != 200:
            raise SystemExit(f"{name}: {path} answered HTTP {status}, not 200")
    return targets


def measure(name: str, port: int, args, workdir: Path, stats_url: str) -> dict:
    if name == "answer POST":
        return loopback.answer_post(port, LESSON, QUIZ, args.users, args.seconds)
    targets = targets_for(name, port, args.users, stats_url)
    return wrk(port, targets, args.seconds, args.users, workdir)


def bench(args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="civicpath-bench-"))
    results: dict = {
        "database": args.db, "seconds": args.seconds, "users": args.users,
        "connections": args.users, "workers": 2,
        "tools": {"GET pages": WRK_VERSION, "answer POST": "tests/load/loopback.py"},
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }  # fmt: skip
    port = args.port
    sizes = [("small", (100, 400))]
    if not args.pages:
        sizes.append(("large", (10_000, 50_000) if not args.small else (1_000, 5_000)))
    chosen = {"healthz", *filter(None, (name.strip() for name in args.pages.split(",")))}
    for size, (learners, attempts) in sizes:
        site = Site(
            args.db, workdir, redis_url=os.environ.get("REDIS_URL", ""), label=f"bench_{size}"
        )
        try:
            site.prepare(learners, attempts)
            site.manage(
                "shell", "-c",
                "from quizzes.models import Quiz; Quiz.objects.filter(slug='us-mexico-reset')"
                ".update(mode='exam')",
            )  # fmt: skip
            stats_url = f"/admin/quizzes/quiz/{site.quiz_pk(QUIZ)}/statistics/"
            site.serve(port)
            scaled = ("healthz", "dashboard", "statistics page")
            pages = PAGES if size == "small" else [p for p in PAGES if p in scaled]
            if args.pages:
                pages = [p for p in pages if p in chosen]
            # Each page is measured right after its own /healthz run and compared with it: on
            # a shared machine the ceiling drifts by 10-40 % within minutes, which a single
            # /healthz run at the start would put into every ratio.
            measured, ceilings = {}, []
            for name in pages:
                if name == "healthz":
                    continue
                log(f"{size}: healthz, then {name}, {args.seconds} s each, "
                    f"{args.users} connections")  # fmt: skip
                ceiling = wrk(port, [("/healthz", "")], args.seconds, args.users, workdir)
                ceilings.append(ceiling)
                row = measure(name, port, args, workdir, stats_url)
                row["healthz_rps"] = ceiling["rps"]
                row["ratio_to_healthz"] = round(row["rps"] / (ceiling["rps"] or 1), 2)
                if name == "answer POST":
                    # The Python client's own ceiling, to show it is not what limits the figure.
                    own = loopback.client_ceiling(port, args.users, args.seconds)
                    row["client_healthz_rps"] = own["rps"]
                measured[name] = row
            middle = sorted(ceilings, key=lambda row: row["rps"])[len(ceilings) // 2]
            measured = {"healthz": {**middle, "ratio_to_healthz": 1.0}, **measured}
            results[size] = {"learners": learners, "attempts": attempts, "pages": measured}
        finally:
            site.stop()
    for name in ("dashboard", "statistics page"):
        if "large" not in results:
            break
        small = results["small"]["pages"][name]["p50_ms"]
        large = results["large"]["pages"][name]["p50_ms"]
        results.setdefault("scale_ratio_p50", {})[name] = round(large / small, 2) if small else None
    small_pages = results.get("small", {}).get("pages", {})
    results["goals"] = {
        name: {
            "goal": goal,
            "ratio": small_pages[name]["ratio_to_healthz"],
            "pass": small_pages[name]["ratio_to_healthz"] >= goal,
        }
        for name, goal in GOALS.items()
        if name in small_pages
    }
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    shutil.rmtree(workdir, ignore_errors=True)
    return results


def report_bench(results: dict) -> None:
    print(f"\nCivicPath benchmark on {results['database']} ({results['connections']} connections, "
          f"{results['seconds']} s per page, gunicorn {results['workers']} workers; "
          f"GET pages: {results['tools']['GET pages']}, answer POST: Python client)")  # fmt: skip
    for size in ("small", "large"):
        if size not in results:
            continue
        data = results[size]
        print(f"\n{size}: {data['learners']:,} learners, {data['attempts']:,} attempts")
        print(f"{'page':<18}{'req/s':>8}{'healthz':>9}{'ratio':>7}{'goal':>6}"
              f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'fail':>6}")  # fmt: skip
        for name, row in data["pages"].items():
            goal = GOALS.get(name) if size == "small" else None
            paired = row.get("healthz_rps", row["rps"])
            print(f"{name:<18}{row['rps']:>8.1f}{paired:>9.1f}{row['ratio_to_healthz']:>7.2f}"
                  f"{(f'{goal:.2f}' if goal else ''):>6}{row['p50_ms']:>8.1f}"
                  f"{row['p95_ms']:>8.1f}{row['p99_ms']:>8.1f}{row['failures']:>6}")  # fmt: skip
        answer = data["pages"].get("answer POST", {})
        if "client_healthz_rps" in answer:
            print(f"(the answer-POST client itself reaches {answer['client_healthz_rps']} req/s "
                  "on /healthz)")  # fmt: skip
    if "scale_ratio_p50" in results:
        print(f"\np50 at large / p50 at small (goal <= 1.5): {results['scale_ratio_p50']}")
    print(f"load average (1, 5, 15 min) before {results['load_average_before']}, "
          f"after {results['load_average_after']} on {results['cpus']} CPUs")  # fmt: skip
    for name, goal in results.get("goals", {}).items():
        verdict = "PASS" if goal["pass"] else "FAIL"
        print(f"goal {name}: ratio {goal['ratio']:.2f} >= {goal['goal']:.2f}  {verdict}")


def load(args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="civicpath-load-"))
    redis_url = os.environ.get("REDIS_URL", "") if args.two_instances else ""
    site = Site(args.db, workdir, redis_url=redis_url)
    answers_log = workdir / "acknowledged.jsonl"
    events: list[str] = []
    try:
        site.prepare(learners=10, attempts=0)
        ports = [args.port] + ([args.port + 1] if args.two_instances else [])
        for port in ports:
            site.serve(port)
        env = {**os.environ, "LOAD_LOG": str(answers_log)}
        if args.two_instances:
            env["LOAD_HOSTS"] = ",".join(f"http://127.0.0.1:{p}" for p in ports)
        stop = threading.Event()
        chaos = threading.Thread(target=_chaos, args=(site, args, stop, events), daemon=True)
        chaos.start()
        log(f"{args.users} learners for {args.seconds} s on {args.db}"
            f"{' · killing a worker every 10 s' if args.kill_workers else ''}"
            f"{' · restarting the server halfway' if args.restart else ''}"
            f"{' · alternating between two instances' if args.two_instances else ''}")  # fmt: skip
        rows = locust(f"http://127.0.0.1:{ports[0]}", "LearnerUser", args.users, args.seconds,
                      workdir, env)  # fmt: skip
        stop.set()
        chaos.join()
        total = rows.get("Aggregated", {})
        audit = site.manage("audit_answers", str(answers_log))
        errors = "".join(p.read_text(errors="replace") for p in workdir.glob("gunicorn-*.log"))
        result = {
            "database": args.db,
            "users": args.users,
            "seconds": args.seconds,
            "requests": int(total.get("Request Count", 0)),
            "failures": int(total.get("Failure Count", 0)),
            "rps": round(float(total.get("Requests/s", 0)), 1),
            "answers_acknowledged": sum(1 for _ in answers_log.open())
            if answers_log.exists()
            else 0,
            "events": events,
            "database_locked_errors": errors.count("database is locked"),
            "audit": audit.strip(),
        }
    finally:
        site.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def _chaos(site: Site, args, stop: threading.Event, events: list[str]) -> None:
    started = time.monotonic()
    restarted = False
    while not stop.wait(10):
        elapsed = time.monotonic() - started
        master = site.servers[0]
        if args.restart and not restarted and elapsed >= args.seconds / 2:
            restarted = True
            port = args.port
            master.send_signal(signal.SIGTERM)
            master.wait(timeout=20)
            site.servers.remove(master)
            new = site.serve(port)
            site.servers.insert(0, site.servers.pop())
            events.append(f"{elapsed:.0f}s: restarted the server on port {port} (pid {new.pid})")
            continue
        if args.kill_workers:
            workers = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True,
                                     text=True).stdout.split()  # fmt: skip
            if workers:
                victim = int(random.choice(workers))
                os.kill(victim, signal.SIGKILL)
                events.append(f"{elapsed:.0f}s: killed worker {victim}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("command", choices=["bench", "load"])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=int, default=None)
    parser.add_argument("--users", "--connections", type=int, default=None,
                        help="bench: connections (8); load: learners (50)")  # fmt: skip
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--small", action="store_true", help="bench: a 10x smaller large set")
    parser.add_argument(
        "--pages", default="", help="bench: only these pages (comma-separated), no large set"
    )
    parser.add_argument("--kill-workers", action="store_true")
    parser.add_argument("--restart", action="store_true")
    parser.add_argument("--two-instances", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.command == "bench":
        args.seconds = args.seconds or 10
        args.users = args.users or 8
        global WRK_VERSION
        if not shutil.which("wrk"):
            raise SystemExit("wrk is not installed: `apt-get install -y wrk` (make bench does)")
        version = subprocess.run([WRK, "--version"], capture_output=True, text=True)
        WRK_VERSION = (version.stdout or version.stderr).split(" Copyright")[0].strip() or "wrk"
        results = bench(args)
        report_bench(results)
    else:
        args.seconds = args.seconds or 60
        args.users = args.users or 50
        results = load(args)
        print(json.dumps(results, indent=2))
        ok = (
            results["failures"] == 0
            and results["database_locked_errors"] == 0
            and "AUDIT OK" in results["audit"]
        )
        if not ok:
            print("LOAD RUN FAILED", file=sys.stderr)
    out = args.out or ROOT / "bench-results" / f"{args.command}-{args.db}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    log(f"wrote {out}")
    if args.command == "load" and not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
