"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Outside CI a missing Chromium skips these tests with one line saying how to install it; in CI
(CI=true) it fails the run, so a green CI always means the browser tests ran.
"""

import contextlib
import os
import shutil
import time
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the live server's ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = "Chromium not found at /usr/bin/chromium: apt-get install -y chromium"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
    if CHROMIUM.exists() or shutil.which(str(CHROMIUM)):
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        raise pytest.UsageError(f"CI=true but {INSTALL_HINT}")
    skip = pytest.mark.skip(reason=INSTALL_HINT)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def assert_no_axe_violations(axe, page, label=""):
    """Run axe-core on the page and fail with a readable list of violations."""
    results = axe.run(page)
    violations = results.response["violations"]
    assert not violations, f"{label}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations
    )


@pytest.fixture(autouse=True)
def _settle_before_teardown(page):
    """Let the page's last requests finish before the test's data is flushed.

    With SQLite the live server shares the in-memory test database; a request still being
    served when the flush runs meets "database table is locked". Depending on ``page`` makes
    this teardown run before the page's and the database's.
    """
    yield
    with contextlib.suppress(Exception):  # a closed or crashed page has nothing in flight
        page.wait_for_load_state("networkidle", timeout=5000)
    time.sleep(0.2)
