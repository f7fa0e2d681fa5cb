from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def with_csrf(html: SafeString, token) -> SafeString:
    """Put the page's CSRF token into pre-rendered forms (see civics.views.CSRF_MARK). Taking the
    token the layout already masked spares a second masking per request."""
    from civics.views import CSRF_MARK

    return mark_safe(html.replace(CSRF_MARK, str(token)))
