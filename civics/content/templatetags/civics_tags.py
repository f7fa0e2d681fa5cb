"""Template filters shared by the site's pages."""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Stands in for the CSRF token in pre-rendered forms (civics.views prepares them). Escaped content
# cannot contain "<", and Markdown-derived HTML is sanitised, so the mark cannot occur by chance.
CSRF_MARK = mark_safe("<csrf-token>")


@register.filter
def with_csrf(html: SafeString, token) -> SafeString:
    """Put the page's CSRF token into pre-rendered forms. Taking the token the layout already
    masked spares a second masking per request."""
    return mark_safe(html.replace(CSRF_MARK, str(token)))
