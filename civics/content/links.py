"""Action links: derive one from an action's text, and decide whether a link is allowed.

Plain functions, no Django models: the article importer and the seed packs use them too.

Deriving (`derive_link`), first found wins, in this order of preference:

- A US phone number (202-224-3121, (202) 224-3121, 202.224.3121, +1 202 224 3121) becomes
  ``tel:+12022243121`` (E.164).
- An e-mail address becomes ``mailto:``.
- A full URL is kept (``http://`` is upgraded to ``https://``); a bare site name such as
  ``DEA.gov`` or ``www.cfr.org`` becomes ``https://dea.gov`` / ``https://www.cfr.org``.

Allowing (`link_problem`): a link is exactly one of

- ``https://`` followed by a host name (letters, digits, hyphens, dots; no user name or
  password before it), an optional port, and an optional path of printable ASCII;
- ``tel:`` followed by an E.164 number: ``+``, a country code that does not start with 0, and
  7 to 15 digits in all;
- ``mailto:`` followed by one e-mail address (no second address, no ``?subject=``).

The same three patterns are the database's check constraint on ``ActionItem.link``
(`LINK_PATTERNS`): they are written in the subset of regular-expression syntax that Python,
SQLite (through Django's REGEXP function) and PostgreSQL read alike. Every pattern here runs in
time linear in its input: no nested quantifiers over overlapping characters, and the searches
over free text look only at bounded runs.
"""

import re
from urllib.parse import quote

from django.utils.translation import gettext as _

# --- Deriving a link from free text ------------------------------------------------------
# Every quantifier that could run over a long stretch is bounded, so each starting position
# costs at most a few hundred steps and a search over a megabyte stays linear.

PHONE = re.compile(
    r"(?<![\w.])(?:\+?1[\s.-]?)?\(?([2-9]\d{2})\)?[\s.-]?([2-9]\d{2})[\s.-](\d{4})(?![\w-])"
)
EMAIL = re.compile(
    r"\b[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b"
)
MAX_LINK = 500  # ActionItem.link's max_length
URL = re.compile(rf"\bhttps?://[^\s<>\"')\]]{{1,{MAX_LINK}}}+", re.IGNORECASE)
SITE = re.compile(
    r"(?<![@\w.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}"
    r"(?:gov|org|com|net|edu|us|int|mil|info|io|news)(?:/[^\s,;)]{0,400}+)?)(?![\w-])",
    re.IGNORECASE,
)

# --- Allowed links: the database's check constraint uses these same patterns --------------
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HTTPS_LINK = rf"^https://{_LABEL}(\.{_LABEL})+(:[0-9]{{1,5}})?([/?#][!-~]*)?$"
TEL_LINK = r"^tel:\+[1-9][0-9]{6,14}$"
# No "%" in the local part: it would need escaping in the constraint's SQL on PostgreSQL.
MAILTO_LINK = rf"^mailto:[A-Za-z0-9.!#$&'*+/=?^_`{{|}}~-]{{1,64}}@{_LABEL}(\.{_LABEL})+$"
LINK_PATTERNS = {"https://": HTTPS_LINK, "tel:": TEL_LINK, "mailto:": MAILTO_LINK}
_ALLOWED = {prefix: re.compile(pattern) for prefix, pattern in LINK_PATTERNS.items()}


def link_problem(link: str) -> str:
    """Why ``link`` may not be an action's link, in words for an educator; "" when it may."""
    if not link:
        return ""
    for prefix, pattern in _ALLOWED.items():
        if link.startswith(prefix):
            if len(link) <= MAX_LINK and pattern.fullmatch(link):
                return ""
            return {
                "https://": _(
                    "A web link is https:// followed by a site name and, if you like, a path, "
                    "such as https://www.congress.gov/members (no spaces, no user name or "
                    "password before the site)."
                ),
                "tel:": _(
                    "A phone link is tel: followed by + and the whole number with its country "
                    "code, digits only, such as tel:+12022243121."
                ),
                "mailto:": _(
                    "A mail link is mailto: followed by one e-mail address and nothing else, "
                    "such as mailto:office@example.org."
                ),
            }[prefix]
    return _("A link starts with https://, tel: or mailto:, in lower case.")


def is_allowed_link(link: str) -> bool:
    """True for "" and for a link `link_problem` has nothing against."""
    return not link_problem(link)


def phone_link(text: str) -> str:
    """Return ``tel:+1NXXNXXXXXX`` for the first US phone number in ``text``, or ``""``."""
    match = PHONE.search(text)
    return f"tel:+1{''.join(match.groups())}" if match else ""


def _derived(text: str) -> str:
    if link := phone_link(text):
        return link
    if match := EMAIL.search(text):
        return f"mailto:{match.group(0)}"
    if match := URL.search(text):
        url = match.group(0).rstrip(".,;:")
        scheme, _sep, rest = url.partition("://")
        # A path in other scripts is percent-encoded, as a browser sends it.
        return "https://" + "".join(c if c.isascii() else quote(c) for c in rest)
    if match := SITE.search(text):
        site = match.group(1).rstrip(".,;:/")
        host, _sep, path = site.partition("/")
        return f"https://{host.lower()}" + (f"/{path}" if path else "")
    return ""


def derive_link(text: str) -> str:
    """Return the best link for an action's text, or ``""`` when it names none (or only one
    that `link_problem` would refuse, such as a URL longer than a link may be)."""
    link = _derived(text)
    return link if is_allowed_link(link) else ""
