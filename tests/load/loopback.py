"""A small HTTP client for `make bench`: sessions for set-up, and the answer-POST load.

wrk measures the GET pages; it cannot carry a sequence token from one answer to the next, so
the write path is driven from here: one thread per connection, each with its own learner
session and exam attempt, POSTing answers for a fixed time. Only 127.0.0.1 is ever contacted.
"""

import html
import http.client
import random
import re
import statistics
import threading
import time
from urllib.parse import urlencode, urlsplit

HOST = "127.0.0.1"
SEQ = re.compile(r'name="seq" value="(\d+)"')
CHOICE = re.compile(r'name="choice" value="([0-9a-f]+)"')
SELECT = re.compile(r'<select name="(match-\d+)"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]+)"')
TIMEOUT = 10  # seconds for any one request


class Session:
    """Cookies and a keep-alive connection (gunicorn's sync workers close it; we reopen)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, data: dict | None = None):
        """One request, no redirects followed; returns (status, headers, body text)."""
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if method == "POST":
            body = urlencode(data or {}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["Referer"] = self.origin + path
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", errors="replace")
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()  # the server closed a kept-alive connection: once more
                if attempt == 2:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.will_close:
            self.conn.close()
        return response.status, response.headers, text

    def get(self, path: str, follow: bool = True):
        for _ in range(10):
            status, headers, text = self.request("GET", path)
            if not follow or status not in (301, 302, 303, 307):
                return status, path, text
            path = urlsplit(headers["Location"]).path
        raise RuntimeError(f"too many redirects from {path}")

    def post(self, path: str, data: dict, follow: bool = True):
        status, headers, text = self.request("POST", path, data)
        if follow and status in (301, 302, 303):
            return self.get(urlsplit(headers["Location"]).path)
        return status, path, text

    def log_in(self, username: str, password: str) -> None:
        self.get("/account/login/")
        status, path, _ = self.post("/account/login/", {"username": username, "password": password})
        if path.startswith("/account/login/"):
            raise SystemExit(f"could not log in as {username} (HTTP {status})")

    def start_attempt(self, lesson: str, quiz: str) -> str:
        """Start (or resume) an attempt; return the first question's path."""
        self.get(f"/lessons/{lesson}/")
        status, path, _ = self.post(f"/quizzes/{quiz}/start/", {})
        if "/questions/" not in path:
            raise SystemExit(f"starting {quiz} ended on {path} (HTTP {status})")
        return path


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


def percentile(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return 0.0
    return sorted_ms[min(len(sorted_ms) - 1, int(q * len(sorted_ms)))]


def drive(workers: list, seconds: float) -> dict:
    """Run each worker's `step()` in its own thread for `seconds`; return wrk-like figures.

    `step()` sends one request and returns True when it was answered as expected. All threads
    start together after their set-up, and each stops at the same deadline (a request under
    way then still finishes, bounded by TIMEOUT)."""
    latencies: list[list[float]] = [[] for _ in workers]
    failures = [0] * len(workers)
    start_line = threading.Barrier(len(workers) + 1)
    window = {}

    def run(index: int) -> None:
        worker = workers[index]
        start_line.wait()
        deadline = window["deadline"]
        mine = latencies[index]
        while time.monotonic() < deadline:
            began = time.monotonic()
            try:
                ok = worker.step()
            except (OSError, http.client.HTTPException):
                ok = False
                time.sleep(0.01)
            mine.append((time.monotonic() - began) * 1000)
            if not ok:
                failures[index] += 1

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(workers))]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    window["deadline"] = began + seconds
    start_line.wait()
    for thread in threads:
        thread.join(timeout=seconds + TIMEOUT + 5)
    elapsed = time.monotonic() - began
    merged = sorted(ms for mine in latencies for ms in mine)
    return {
        "requests": len(merged),
        "failures": sum(failures),
        "rps": round(len(merged) / elapsed, 1),
        "p50_ms": round(statistics.median(merged), 1) if merged else 0.0,
        "p95_ms": round(percentile(merged, 0.95), 1),
        "p99_ms": round(percentile(merged, 0.99), 1),
    }


class Answerer:
    """One learner re-answering the first question of an exam attempt: exam mode lets an
    answer be changed, and each POST carries the next sequence token."""

    def __init__(self, port: int, lesson: str, quiz: str):
        self.session = Session(port)
        self.path = self.session.start_attempt(lesson, quiz)
        _, _, page = self.session.get(self.path)
        match = SEQ.search(page)
        if not match:
            raise SystemExit(f"no sequence token on {self.path}")
        self.seq = int(match.group(1))
        self.data = answer_for(page)

    def step(self) -> bool:
        status, _, _ = self.session.request(
            "POST", self.path, {**self.data, "seq": self.seq, "go": "next"}
        )
        if status in (302, 303):
            self.seq += 1
            return True
        return False


class Getter:
    """GET one path over and over: the client's own ceiling, measured on /healthz."""

    def __init__(self, port: int, path: str):
        self.session = Session(port)
        self.path = path

    def step(self) -> bool:
        status, _, _ = self.session.request("GET", self.path)
        return status == 200


def answer_post(port: int, lesson: str, quiz: str, connections: int, seconds: float) -> dict:
    return drive([Answerer(port, lesson, quiz) for _ in range(connections)], seconds)


def client_ceiling(port: int, connections: int, seconds: float) -> dict:
    return drive([Getter(port, "/healthz") for _ in range(connections)], seconds)
