"""Template filters for the account pages."""

from datetime import timedelta

from django import template
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.filter
def duration_in_words(value) -> str:
    """A lockout's length as people say it ("15 minutes", "1 hour and 30 minutes"), rounded up
    to the minute; "a while" for anything that is not a positive timedelta."""
    if not isinstance(value, timedelta) or value <= timedelta(0):
        return gettext("a while")
    minutes = -(-int(value.total_seconds()) // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if minutes:
        parts.append(
            ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
        )
    if len(parts) == 2:
        return gettext("%(hours)s and %(minutes)s") % {"hours": parts[0], "minutes": parts[1]}
    return parts[0]
