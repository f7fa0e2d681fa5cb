"""Turn the contact details written in an action's text into a clickable link.

Plain functions, no Django: the article importer uses them too.

- A US phone number (202-224-3121, (202) 224-3121, 202.224.3121, +1 202 224 3121) becomes
  ``tel:+12022243121`` (E.164).
- An e-mail address becomes ``mailto:``.
- A full URL is kept; a bare site name such as ``DEA.gov`` or ``www.cfr.org`` becomes
  ``https://dea.gov`` / ``https://www.cfr.org``.

The first of these found in the text wins, in that order of preference.
"""

import re

PHONE = re.compile(
    r"(?<![\w.])(?:\+?1[\s.-]?)?\(?([2-9]\d{2})\)?[\s.-]?([2-9]\d{2})[\s.-](\d{4})(?![\w-])"
)
EMAIL = re.compile(r"\b[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
URL = re.compile(r"\bhttps?://[^\s<>\"')\]]+", re.IGNORECASE)
SITE = re.compile(
    r"(?<![@\w.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"(?:gov|org|com|net|edu|us|int|mil|info|io|news)(?:/[^\s,;)]*)?)(?![\w-])",
    re.IGNORECASE,
)


def phone_link(text: str) -> str:
    """Return ``tel:+1NXXNXXXXXX`` for the first US phone number in ``text``, or ``""``."""
    match = PHONE.search(text)
    return f"tel:+1{''.join(match.groups())}" if match else ""


def derive_link(text: str) -> str:
    """Return the best link for an action's text, or ``""`` when it names none."""
    if link := phone_link(text):
        return link
    if match := EMAIL.search(text):
        return f"mailto:{match.group(0)}"
    if match := URL.search(text):
        return match.group(0).rstrip(".,;:")
    if match := SITE.search(text):
        site = match.group(1).rstrip(".,;:/")
        host, _, path = site.partition("/")
        return f"https://{host.lower()}" + (f"/{path}" if path else "")
    return ""
