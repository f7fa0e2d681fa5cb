"""Values every page's layout needs, computed once per process rather than once per request."""

from functools import lru_cache

from django.urls import get_script_prefix, reverse

SITE_URLS = {
    "home": "civics:home",
    "login": "login",
    "signup": "signup",
    "logout": "logout",
    "account": "account",
    "dashboard": "civics:dashboard",
}


@lru_cache(maxsize=8)
def _site_urls(script_prefix: str) -> dict[str, str]:
    return {name: reverse(route) for name, route in SITE_URLS.items()}


def site_urls(request) -> dict:
    """``site_urls.home`` and friends: the layout's links, reversed once per script prefix (the
    layout's nine {% url %} tags were a quarter of a cached lesson page's rendering)."""
    return {"site_urls": _site_urls(get_script_prefix())}
