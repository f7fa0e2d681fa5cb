"""Values every page's layout needs, computed once per process rather than once per request."""

from functools import lru_cache

from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

SITE_URLS = {
    "home": "civics:home",
    "login": "login",
    "signup": "signup",
    "logout": "logout",
    "account": "account",
    "dashboard": "civics:dashboard",
}
# The layout's assets, by the name base.html uses.
SITE_ASSETS = {
    "favicon": "civics/favicon.svg",
    "stylesheet": "civics/site.css",
    "htmx": "django_htmx/htmx-2.min.js",
}


@lru_cache(maxsize=8)
def _site_urls(script_prefix: str) -> dict[str, str]:
    urls = {name: reverse(route) for name, route in SITE_URLS.items()}
    # The hashed names from the static files manifest: fixed until the next deploy (collectstatic
    # and a restart), like the manifest the storage itself reads once per process.
    urls.update({name: static(path) for name, path in SITE_ASSETS.items()})
    return urls


def site_urls(request) -> dict:
    """``site_urls.home``, ``site_urls.stylesheet`` and friends: the layout's links and assets,
    worked out once per script prefix (the layout's nine {% url %} tags were a quarter of a
    cached lesson page's rendering, its three {% static %} tags another tenth); and
    ``language``, which the layout's and the pages' {% cache %} fragments vary on."""
    prefix = get_script_prefix()
    return {"site_urls": _site_urls(prefix), "script_prefix": prefix, "language": get_language()}
