"""Screenshots for the README: the pages a newcomer visits, at 1280 px and on a 390 px phone.

    .venv/bin/python docs/screenshots/make_screenshots.py

Builds a throw-away SQLite database (migrate, load_seeds, load_demo), serves it on a free
loopback port with `manage.py runserver` (DEBUG on), drives Debian's Chromium (/usr/bin/chromium,
or $CHROMIUM_PATH) through Playwright's sync API, and writes viewport-sized PNGs next to this file.
Nothing outside the temporary folder and docs/screenshots/ is touched. Run it again whenever a
page changes, and commit the PNGs with that change.
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The same flags as tests/browser/conftest.py: headless, no sandbox (CI containers), no chatter.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LEARNER, LEARNER_PASSWORD = "demo_learner", "try-civicpath-learner"  # printed by load_demo
NEWS, ESSAY = "/lessons/rubio-security-collaboration/", "/lessons/us-mexico-reset/"


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            sys.exit("The development server stopped; see its output above.")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"The development server did not answer at {url}.")


def log_in(page, url: str) -> None:
    page.goto(url + "/account/login/")
    page.get_by_label("Username").fill(LEARNER)
    page.get_by_label("Password").fill(LEARNER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))


def shoot(page, name: str, size: str, *, anchor: str = "") -> None:
    if anchor:
        page.locator(anchor).first.scroll_into_view_if_needed()
    path = OUT / f"{name}-{size}.png"
    page.screenshot(path=str(path))  # the viewport only: small files, what a visitor first sees
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KB)")


def tour(browser, url: str, size: str, result_url: str) -> list[str]:
    """Visit the newcomer's pages; return the console errors seen (CSP violations among them)."""
    context = browser.new_context(viewport=SIZES[size], color_scheme="light")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(url + "/")
    shoot(page, "home", size)
    page.goto(url + ESSAY)
    shoot(page, "lesson", size)
    shoot(page, "lesson-quizzes", size, anchor="#quiz")
    page.goto(url + NEWS)
    page.get_by_role("button", name="Take the full quiz").click()
    page.wait_for_url(re.compile(r"/attempts/\d+/questions/\d+/$"))
    shoot(page, "question", size)
    page.get_by_label("Secretary of State", exact=True).check()
    page.get_by_role("button", name=re.compile(r"^Check")).click()
    page.get_by_text("Correct", exact=False).first.wait_for()
    shoot(page, "feedback", size)
    page.goto(url + "/account/signup/")
    shoot(page, "signup", size)
    context.close()

    # The demo learner in a browser of its own: nothing from the visit above is adopted.
    context = browser.new_context(viewport=SIZES[size], color_scheme="light")
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, url)
    shoot(page, "dashboard", size)
    page.goto(url + result_url)
    shoot(page, "result", size)
    page.goto(url + ESSAY)
    # The first tour starts the exam; the second resumes it.
    page.get_by_role("button", name=re.compile(r"^(Take the exam|Resume)$")).click()
    page.wait_for_url(re.compile(r"/attempts/\d+/questions/\d+/$"))
    shoot(page, "exam", size)
    context.close()
    return errors


def main() -> None:
    if not Path(CHROMIUM).exists():
        sys.exit(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    with tempfile.TemporaryDirectory(prefix="civicpath-shots-") as tmp:
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'demo.sqlite3'}",
            "TIME_ZONE": "UTC",
        }
        env.pop("REDIS_URL", None)  # the local cache: nothing shared with a running site
        manage(env, "migrate", "--noinput")
        manage(env, "load_seeds")
        manage(env, "load_demo")
        # The demo learner's essay quiz, with its misses: the result worth showing.
        result_url = (
            manage(
                env,
                "shell",
                "-c",
                "from quizzes.models import Attempt; a = Attempt.objects.get("
                f"user__username={LEARNER!r}, quiz__slug='us-mexico-reset'); "
                "print(f'/attempts/{a.pk}/result/')",
            )
            .strip()
            .splitlines()[-1]
        )
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(url, server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                errors = []
                for size in SIZES:
                    errors += tour(browser, url, size, result_url)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    if errors:
        print("Console errors seen:\n  " + "\n  ".join(sorted(set(errors))), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
