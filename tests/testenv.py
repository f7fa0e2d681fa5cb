"""Loaded with `-p tests.testenv` (see pyproject) before pytest-django reads the settings.

The suite runs with production-like settings (DEBUG off), which require a SECRET_KEY.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-for-the-test-suite-only-0123456789abcdef")
