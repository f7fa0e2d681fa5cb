"""Loaded with `-p tests.testenv` (see pyproject) before pytest-django reads the settings.

The suite runs with production-like settings (DEBUG off), which require a SECRET_KEY.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-for-the-test-suite-only-0123456789abcdef")

# No persistent connections in tests: the live server's thread would keep its SQLite
# connection (and its table locks on the shared in-memory database) past the test's teardown.
os.environ.setdefault("CONN_MAX_AGE", "0")
