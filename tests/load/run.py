"""`make bench` and `make load`: serve CivicPath with gunicorn on loopback and measure it.

    python tests/load/run.py bench [--db sqlite|postgres] [--seconds 10] [--users 8]
    python tests/load/run.py load  [--db sqlite|postgres] [--seconds 60] [--users 50]
                                   [--kill-workers] [--restart] [--two-instances]

bench: a fresh database with the seed packs and demo learners, gunicorn with DEBUG off and 2
workers, then for each page a locust run on /healthz followed by one on the page, for a fixed
time each; prints requests/s, p50/p95/p99 and each page's ratio to the /healthz run just before
it (the healthz row is the median of those runs), repeats dashboard and statistics on a large
dataset (10,000 learners, 1,000,000 answers unless --small), and writes JSON.

load: 50 learners take quizzes for 60 s while, optionally, a worker is killed every 10 s, the
whole server restarts halfway, or requests alternate between two instances sharing the
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

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
PG = "postgres://postgres@127.0.0.1:5432/"
ADMIN_USER, ADMIN_PASSWORD = "bench-admin", secrets.token_urlsafe(12)
PAGES = [
    ("healthz", "HealthUser"),
    ("home", "HomeUser"),
    ("lesson page", "LessonUser"),
    ("question page", "QuestionUser"),
    ("answer POST", "AnswerUser"),
    ("result page", "ResultUser"),
    ("dashboard", "DashboardUser"),
    ("statistics page", "StatisticsUser"),
]
GOALS = {"lesson page": 0.50, "question page": 0.30, "answer POST": 0.20, "dashboard": 0.20}


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


def figures(row: dict) -> dict:
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": round(float(row["Requests/s"]), 1),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
    }


def bench(args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="civicpath-bench-"))
    results: dict = {"database": args.db, "seconds": args.seconds, "users": args.users}
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
            quiz = site.quiz_pk("us-mexico-reset")
            env = {
                **os.environ,
                "BENCH_STATS_URL": f"/admin/quizzes/quiz/{quiz}/statistics/",
                "BENCH_ADMIN": f"{ADMIN_USER}:{ADMIN_PASSWORD}",
            }
            site.serve(port)
            host = f"http://127.0.0.1:{port}"
            scaled = ("healthz", "dashboard", "statistics page")
            pages = PAGES if size == "small" else [p for p in PAGES if p[0] in scaled]
            if args.pages:
                pages = [p for p in pages if p[0] in chosen]
            # Each page is measured right after its own /healthz run and compared with it: on
            # a shared machine the ceiling drifts by 10-40 % within minutes, which a single
            # /healthz run at the start would put into every ratio.
            measured, ceilings = {}, []
            for name, user_class in pages:
                if name == "healthz":
                    continue
                log(f"{size}: healthz, then {name}, {args.seconds} s each, {args.users} users")
                ceiling = figures(
                    locust(host, "HealthUser", args.users, args.seconds, workdir, env)["healthz"]
                )
                ceilings.append(ceiling)
                rows = locust(host, user_class, args.users, args.seconds, workdir, env)
                measured[name] = figures(rows[name])
                measured[name]["healthz_rps"] = ceiling["rps"]
                measured[name]["ratio_to_healthz"] = round(
                    measured[name]["rps"] / (ceiling["rps"] or 1), 2
                )
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
    shutil.rmtree(workdir, ignore_errors=True)
    return results


def report_bench(results: dict) -> None:
    print(f"\nCivicPath benchmark on {results['database']} "
          f"({results['users']} users, {results['seconds']} s per page)")  # fmt: skip
    for size in ("small", "large"):
        if size not in results:
            continue
        data = results[size]
        print(f"\n{size}: {data['learners']:,} learners, {data['attempts']:,} attempts")
        print(f"{'page':<18}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'ratio':>8}"
              f"{'goal':>7}{'fail':>6}")  # fmt: skip
        for name, row in data["pages"].items():
            goal = GOALS.get(name)
            print(f"{name:<18}{row['rps']:>8}{row['p50_ms']:>9.0f}{row['p95_ms']:>9.0f}"
                  f"{row['p99_ms']:>9.0f}{row['ratio_to_healthz']:>8.2f}"
                  f"{(f'{goal:.2f}' if goal else ''):>7}{row['failures']:>6}")  # fmt: skip
    if "scale_ratio_p50" in results:
        print(f"\np50 at large / p50 at small (goal <= 1.5): {results['scale_ratio_p50']}")


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
    parser.add_argument("--users", type=int, default=None)
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
