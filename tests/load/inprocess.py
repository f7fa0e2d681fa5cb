"""Time each page in-process with Django's test client: no server, no network, no load tool.

    python tests/load/inprocess.py [--root CHECKOUT] [--renders 50] [--warmup 5] [--out FILE]

A fresh SQLite database in a temporary directory gets the seed packs and 100 demo learners with
400 attempts (as `make bench`'s small set); settings are production-like (DEBUG off, a generated
SECRET_KEY). Then each page is rendered --warmup times untimed and --renders times timed, and
the median (with p90 and the fastest) is printed as a table and written as JSON.

The pages are reached by URL only (links found in the HTML, redirects followed), so the script
also runs against older checkouts whose code is laid out differently:

    /path/to/old/.venv/bin/python tests/load/inprocess.py --root /path/to/old
"""

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import loopback  # tests/load/loopback.py, next to this script (answers and sequence tokens)

LESSON = QUIZ = "us-mexico-reset"
PAGES = [
    "home",
    "topic",
    "lesson",
    "question page",
    "answer POST",
    "result",
    "dashboard",
]
TOPIC = re.compile(r'href="(/topics/[\w-]+/)"')


def setup(root: Path, workdir: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "civics.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "DATABASE_URL": f"sqlite:///{workdir / 'inprocess.sqlite3'}",
            "REDIS_URL": "",
            "LOG_LEVEL": "WARNING",
            "AXES_FAILURE_LIMIT": "1000000",
        }
    )
    os.chdir(root)
    sys.path.insert(0, str(root))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("load_seeds", verbosity=0)
    call_command("generate_demo_data", learners=100, attempts=400, prefix="demo", verbosity=0)
    from django.apps import apps

    # As `make bench`: exam mode lets one answer be changed again and again.
    apps.get_model("quizzes", "Quiz").objects.filter(slug=QUIZ).update(mode="exam")


def final_path(response) -> str:
    return response.redirect_chain[-1][0] if response.redirect_chain else ""


class Pages:
    """How to request each page once, with whatever set-up it needs done beforehand."""

    def __init__(self):
        from django.contrib.auth import get_user_model
        from django.test import Client

        self.anonymous = Client()
        home = self.anonymous.get("/")
        lesson = self.anonymous.get(f"/lessons/{LESSON}/").content.decode()
        topics = TOPIC.findall(home.content.decode()) or TOPIC.findall(lesson)
        if not topics:
            raise SystemExit("no /topics/…/ link on the home or lesson page")
        self.topic = topics[0]

        self.learner = Client()
        started = self.learner.post(f"/quizzes/{QUIZ}/start/", follow=True)
        self.question = final_path(started)
        if "/questions/" not in self.question:
            raise SystemExit(f"starting {QUIZ} ended on {self.question!r}")
        page = started.content.decode()
        self.seq = int(loopback.SEQ.search(page).group(1))
        self.answer = loopback.answer_for(page)

        self.finisher = Client()
        attempt = final_path(self.finisher.post(f"/quizzes/{QUIZ}/start/", follow=True))
        attempt = attempt.split("/")[2]
        self.finisher.post(f"/attempts/{attempt}/finish/")
        self.result = f"/attempts/{attempt}/result/"

        self.member = Client()
        self.member.force_login(get_user_model().objects.get(username="demo-00001"))

    def request(self, name: str):
        if name == "home":
            return self.anonymous.get("/"), 200
        if name == "topic":
            return self.anonymous.get(self.topic), 200
        if name == "lesson":
            return self.anonymous.get(f"/lessons/{LESSON}/"), 200
        if name == "question page":
            return self.learner.get(self.question), 200
        if name == "answer POST":
            data = {**self.answer, "seq": self.seq, "go": "next"}
            response = self.learner.post(self.question, data)
            if response.status_code == 302:
                self.seq += 1
            return response, 302
        if name == "result":
            return self.finisher.get(self.result), 200
        if name == "dashboard":
            return self.member.get("/dashboard/"), 200
        raise ValueError(name)

    def url(self, name: str) -> str:
        return {
            "home": "/",
            "topic": self.topic,
            "lesson": f"/lessons/{LESSON}/",
            "question page": self.question,
            "answer POST": self.question,
            "result": self.result,
            "dashboard": "/dashboard/",
        }[name]


def time_pages(renders: int, warmup: int) -> dict:
    pages = Pages()
    rows = {}
    for name in PAGES:
        for _ in range(warmup):
            pages.request(name)
        times = []
        for _ in range(renders):
            began = time.perf_counter()
            response, expected = pages.request(name)
            times.append((time.perf_counter() - began) * 1000)
            if response.status_code != expected:
                raise SystemExit(f"{name}: HTTP {response.status_code}, expected {expected}")
        times.sort()
        rows[name] = {
            "url": pages.url(name),
            "median_ms": round(statistics.median(times), 2),
            "p90_ms": round(times[int(0.9 * (len(times) - 1))], 2),
            "min_ms": round(times[0], 2),
            "bytes": len(response.content),
        }
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    root = args.root.resolve()
    commit = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="civicpath-inprocess-") as workdir:
        setup(root, Path(workdir))
        rows = time_pages(args.renders, args.warmup)
    import django

    import civics

    results = {
        "root": str(root),
        "code": str(Path(civics.__file__).parent),  # which checkout's code was timed
        "uncommitted": subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
        ).stdout.count("\n"),
        "commit": commit,
        "django": django.get_version(),
        "renders": args.renders,
        "warmup": args.warmup,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "pages": rows,
    }
    print(f"\nin-process render times at {commit or root} ({args.renders} renders after "
          f"{args.warmup} warm-up, DEBUG off, SQLite)")  # fmt: skip
    print(f"{'page':<15}{'median ms':>10}{'p90 ms':>9}{'min ms':>9}{'bytes':>9}  url")
    for name, row in rows.items():
        print(f"{name:<15}{row['median_ms']:>10.2f}{row['p90_ms']:>9.2f}{row['min_ms']:>9.2f}"
              f"{row['bytes']:>9}  {row['url']}")  # fmt: skip
    print(json.dumps(results, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
