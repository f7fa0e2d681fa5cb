import pytest


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Serve static files without the manifest that `collectstatic` would build."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (statistics, sessions and content use it)."""
    from django.core.cache import cache

    cache.clear()
    yield


def pytest_configure(config):
    """A fast password hasher for the whole suite (the real one is slow by design)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def educator_client(db):
    """A client signed in as a staff account in the Educators group."""
    from django.contrib.auth.models import Group
    from django.test import Client

    from tests.factories import StaffUserFactory

    user = StaffUserFactory(username="teacher")
    user.groups.add(Group.objects.get(name="Educators"))
    client = Client()
    client.force_login(user)
    return client
