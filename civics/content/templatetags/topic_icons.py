"""``{% topic_icon topic.icon %}``: a topic's icon as inline SVG (aria-hidden, class "icon").

The SVG comes from the heroicons package; its own tags parse and serialise the icon on every
use (about 280 function calls each, a dozen icons on the home page). The markup for one icon
name never changes while the process runs, so it is kept per process, as a plain string."""

from functools import lru_cache

from django import template
from django.utils.safestring import SafeString
from heroicons.templatetags.heroicons import heroicon_mini, heroicon_outline

register = template.Library()
STYLES = {"mini": heroicon_mini, "outline": heroicon_outline}


@lru_cache(maxsize=128)
def _svg(name: str, style: str) -> SafeString:
    return STYLES[style](name, size=None, **{"class": "icon"})


@register.simple_tag
def topic_icon(name: str, style: str = "mini") -> SafeString:
    return _svg(str(name), style)
