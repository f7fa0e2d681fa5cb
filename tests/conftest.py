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
    """Each test starts with an empty cache (statistics and sessions may use it)."""
    from django.core.cache import cache

    cache.clear()
    yield
