"""Locust users for `make bench` (one page each) and `make load` (learners taking quizzes).

The host is the app under test on loopback; `tests/load/run.py` starts it and picks the users.
Environment:
  BENCH_QUIZ        slug of the quiz to take (default us-mexico-reset)
  BENCH_LESSON      slug of the lesson page to read
  BENCH_STATS_URL   admin statistics page of the benchmark quiz
  BENCH_ADMIN       "username:password" of the benchmark's staff account
  DEMO_PREFIX       demo learners are PREFIX-00001 … (password demo-learner-password)
  LOAD_LOG          file where LearnerUser appends every acknowledged answer (JSON lines)
  LOAD_HOSTS        comma-separated base URLs; LearnerUser alternates between them
"""

import html
import itertools
import json
import os
import random
import re
import threading
import time
from urllib.parse import urlsplit

from gevent.event import Event
from locust import HttpUser, between, constant, task

QUIZ = os.environ.get("BENCH_QUIZ", "us-mexico-reset")
LESSON = os.environ.get("BENCH_LESSON", "us-mexico-reset")
STATS_URL = os.environ.get("BENCH_STATS_URL", "/admin/")
ADMIN = os.environ.get("BENCH_ADMIN", "bench-admin:bench-admin-password")
DEMO_PREFIX = os.environ.get("DEMO_PREFIX", "demo")
DEMO_PASSWORD = "demo-learner-password"
LOAD_LOG = os.environ.get("LOAD_LOG", "")
HOSTS = [h for h in os.environ.get("LOAD_HOSTS", "").split(",") if h]

_learners = itertools.count(1)
_log_lock = threading.Lock()
SEQ = re.compile(r'name="seq" value="(\d+)"')
CHOICE = re.compile(r'name="choice" value="([0-9a-f]+)"')
SELECT = re.compile(r'<select name="(match-\d+)"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]+)"')


def csrf(user) -> str:
    return user.client.cookies.get("csrftoken", "")


def post(user, url, data, name, **kwargs):
    headers = {"X-CSRFToken": csrf(user), "Referer": user.host + url}
    return user.client.post(url, data=data, headers=headers, name=name, **kwargs)


def answer_for(page: str) -> dict:
    """Some answer for whatever question the page shows (right or wrong does not matter)."""
    data = {}
    if choices := CHOICE.findall(page):
        data["choice"] = random.choice(choices)
    elif 'name="truth"' in page:
        data["truth"] = random.choice(["true", "false"])
    elif selects := SELECT.findall(page):
        for name, options in selects:
            data[name] = html.unescape(random.choice(OPTION.findall(options)))
    else:
        data["text"] = random.choice(["2026", "fentanyl", "130", "National Guard", "50"])
    return data


_set_up = itertools.count(1)
_measuring = Event()


def measure_from_here(user) -> None:
    """A page's figures leave out its users' setup: 8 log-ins cost seconds of password hashing,
    which the dashboard's and statistics page's rates used to pay. The last user to finish its
    setup resets the statistics, and each user starts its measured requests after that."""
    everyone = getattr(user.environment.parsed_options, "num_users", None) or 1
    if next(_set_up) >= everyone:
        user.environment.stats.reset_all()
        _measuring.set()
    _measuring.wait(timeout=120)


def start_attempt(user) -> str:
    """Start (or resume) an attempt; return the first question's URL."""
    user.client.get(f"/lessons/{LESSON}/", name="lesson page (setup)")
    response = post(user, f"/quizzes/{QUIZ}/start/", {}, "start (setup)")
    return response.url.removeprefix(user.host)


class HealthUser(HttpUser):
    wait_time = constant(0)

    @task
    def healthz(self):
        self.client.get("/healthz", name="healthz")


class HomeUser(HttpUser):
    wait_time = constant(0)

    @task
    def home(self):
        self.client.get("/", name="home")


class LessonUser(HttpUser):
    wait_time = constant(0)

    @task
    def lesson(self):
        self.client.get(f"/lessons/{LESSON}/", name="lesson page")


class QuestionUser(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.url = start_attempt(self)
        measure_from_here(self)

    @task
    def question(self):
        self.client.get(self.url, name="question page")


class AnswerUser(HttpUser):
    """Exam mode lets an answer be changed: each POST carries the next sequence token."""

    wait_time = constant(0)

    def on_start(self):
        self.url = start_attempt(self)
        page = self.client.get(self.url, name="question page (setup)").text
        self.seq = int(SEQ.search(page).group(1))
        self.data = answer_for(page)
        measure_from_here(self)

    @task
    def answer(self):
        response = post(
            self, self.url, {**self.data, "seq": self.seq, "go": "next"}, "answer POST",
            allow_redirects=False,
        )  # fmt: skip
        if response.status_code in (302, 303):
            self.seq += 1


class ResultUser(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        url = start_attempt(self)
        attempt = url.split("/")[2]
        post(self, f"/attempts/{attempt}/finish/", {}, "finish (setup)")
        self.result = f"/attempts/{attempt}/result/"
        measure_from_here(self)

    @task
    def result(self):
        self.client.get(self.result, name="result page")


def log_in(user, username, password):
    user.client.get("/account/login/", name="login (setup)")
    post(user, "/account/login/", {"username": username, "password": password}, "login (setup)")


class DashboardUser(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        log_in(self, f"{DEMO_PREFIX}-{next(_learners):05d}", DEMO_PASSWORD)
        measure_from_here(self)

    @task
    def dashboard(self):
        self.client.get("/dashboard/", name="dashboard")


class StatisticsUser(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        username, password = ADMIN.split(":", 1)
        log_in(self, username, password)
        measure_from_here(self)

    @task
    def statistics(self):
        self.client.get(STATS_URL, name="statistics page")


class LearnerUser(HttpUser):
    """Takes whole practice quizzes, logging every answer the server acknowledged.

    A request that meets a killed worker or a restarting server (no response, 502-504) is sent
    again after a pause, as a learner would reload; only an unrecoverable one counts as failed.
    """

    wait_time = between(0.2, 1.0)

    def on_start(self):
        self.turn = 0

    def _url(self, path: str) -> str:
        if not HOSTS:
            return path
        self.turn += 1
        return HOSTS[self.turn % len(HOSTS)] + path

    def _send(self, method: str, path: str, name: str, data=None, tries: int = 30):
        for attempt in range(tries):
            url = self._url(path)
            origin = url.removesuffix(path) if HOSTS else self.host
            headers = {"X-CSRFToken": csrf(self), "Referer": origin + path}
            with self.client.request(
                method, url, data=data, headers=headers, name=name,
                allow_redirects=False, catch_response=True,
            ) as response:  # fmt: skip
                transient = response.status_code == 0 or 502 <= response.status_code <= 504
                if transient and attempt < tries - 1:
                    response.success()  # not a result: sent again below
                elif response.status_code >= 400 and response.status_code != 409:
                    response.failure(f"HTTP {response.status_code}")
                else:
                    response.success()
            if not transient:
                return response
            time.sleep(min(0.2 * (attempt + 1), 2))
        return response

    @task
    def take_quiz(self):
        self._send("GET", f"/lessons/{LESSON}/", "lesson page")
        response = self._send("POST", f"/quizzes/{QUIZ}/start/", "start")
        match = re.search(r"/attempts/(\d+)/", response.headers.get("Location", ""))
        if not match:
            return
        attempt = match.group(1)
        for _ in range(80):
            hop = self._send("GET", f"/attempts/{attempt}/", "resume")
            path = urlsplit(hop.headers.get("Location", "")).path
            if not path or "/result/" in path:
                return
            page = self._send("GET", path, "question page")
            seq = SEQ.search(page.text)
            if seq is None:  # every question answered: the last one shows its feedback
                self._send("POST", f"/attempts/{attempt}/finish/", "finish")
                self._send("GET", f"/attempts/{attempt}/result/", "result page")
                return
            data = {**answer_for(page.text), "seq": seq.group(1)}
            answered = self._send("POST", path, "answer POST", data=data)
            if answered.status_code in (302, 303) and LOAD_LOG:
                position = int(path.rstrip("/").rsplit("/", 1)[1])
                record = {"attempt": int(attempt), "position": position, "seq": int(seq.group(1))}
                with _log_lock, open(LOAD_LOG, "a", encoding="utf-8") as log:
                    log.write(json.dumps(record) + "\n")
