"""Settings are read once at start-up: each case starts a fresh Python with its own environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Nothing inherited but what Python needs: no DATABASE_URL, REDIS_URL, DEBUG... from the caller.
BASE_ENV = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "HOME": os.environ.get("HOME", "/tmp"),
    "DJANGO_SETTINGS_MODULE": "civics.settings",
    "PYTHONDONTWRITEBYTECODE": "1",
}
SECRET = {"SECRET_KEY": "test-secret-key-for-settings-tests-0123456789abcdefghijklmnop"}

READ_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SECRET_KEY": s.SECRET_KEY,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "CSRF_TRUSTED_ORIGINS": s.CSRF_TRUSTED_ORIGINS,
    "DATABASE": s.DATABASES["default"],
    "CACHE": s.CACHES["default"],
    "SESSION_ENGINE": s.SESSION_ENGINE,
    "TIME_ZONE": s.TIME_ZONE,
}, default=str))
"""


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**BASE_ENV, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def read_settings(**env: str) -> dict:
    result = run(["-c", READ_SETTINGS], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def start_up_error(**env: str) -> str:
    """The message start-up fails with (the last line of the traceback)."""
    result = run(["-c", READ_SETTINGS], **env)
    assert result.returncode != 0, result.stdout
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured:"), result.stderr
    return last_line


def test_debug_must_be_a_boolean():
    assert "DEBUG" in start_up_error(DEBUG="maybe", **SECRET)


def test_secret_key_is_required_when_debug_is_off():
    assert "SECRET_KEY" in start_up_error()


def test_debug_on_runs_without_a_secret_key():
    values = read_settings(DEBUG="1")

    assert values["DEBUG"] is True
    assert values["SECRET_KEY"]


@pytest.mark.parametrize(
    "url", ["postgres://user@host:notaport/db", "nonsense", "mysql://user@host/db"]
)
def test_malformed_database_url_is_named(url):
    assert "DATABASE_URL" in start_up_error(DATABASE_URL=url, **SECRET)


def test_unknown_time_zone_is_named():
    assert "TIME_ZONE" in start_up_error(TIME_ZONE="Mars/Olympus_Mons", **SECRET)


def test_redis_url_with_another_scheme_is_named():
    assert "REDIS_URL" in start_up_error(REDIS_URL="http://127.0.0.1:6379/0", **SECRET)


def test_csrf_trusted_origin_without_scheme_is_named():
    message = start_up_error(CSRF_TRUSTED_ORIGINS="civicpath.example.org", **SECRET)

    assert "CSRF_TRUSTED_ORIGINS" in message


def test_local_defaults_are_safe():
    values = read_settings(**SECRET)

    assert values["DEBUG"] is False
    database = values["DATABASE"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]) == ROOT / "db.sqlite3"
    # Concurrent writers wait for the lock instead of failing with "database is locked".
    assert database["OPTIONS"]["timeout"] == 20
    assert values["CACHE"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert values["TIME_ZONE"] == "UTC"
    assert values["CSRF_TRUSTED_ORIGINS"] == []


def test_production_values_are_read():
    values = read_settings(
        REDIS_URL="redis://127.0.0.1:6379/0",
        DATABASE_URL="postgres://civic:pw@db.example.org:5433/civicpath",
        ALLOWED_HOSTS="civicpath.example.org, www.civicpath.example.org",
        CSRF_TRUSTED_ORIGINS="https://civicpath.example.org",
        TIME_ZONE="America/Phoenix",
        DEBUG="off",
        **SECRET,
    )

    assert values["CACHE"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert values["CACHE"]["LOCATION"] == "redis://127.0.0.1:6379/0"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cache"
    database = values["DATABASE"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.example.org",
        5433,
        "civicpath",
    )
    assert values["ALLOWED_HOSTS"] == ["civicpath.example.org", "www.civicpath.example.org"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://civicpath.example.org"]
    assert values["TIME_ZONE"] == "America/Phoenix"
    assert values["DEBUG"] is False


HTTPS = {
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SESSION_COOKIE_SECURE": "1",
    "CSRF_COOKIE_SECURE": "1",
}


@pytest.fixture
def production_env(tmp_path) -> dict:
    return {
        "SECRET_KEY": secrets.token_urlsafe(60)[:60],
        "ALLOWED_HOSTS": "civicpath.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
    }


DEPLOY_CHECK = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]


def test_deploy_check_passes_with_production_values(production_env):
    result = run(DEPLOY_CHECK, **production_env, **HTTPS)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_without_the_https_values(production_env):
    result = run(DEPLOY_CHECK, **production_env)

    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr
