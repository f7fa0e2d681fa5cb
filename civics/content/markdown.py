"""Markdown to safe HTML, done once when content is saved (never per request).

markdown-it-py renders CommonMark with raw HTML switched off; nh3 (ammonia) then keeps only the
tags and attributes below, so even a crafted link such as ``[x](javascript:alert(1))`` or an
``<img onerror>`` that slipped through comes out inert.
"""

import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# The longest Markdown texts stored, in characters. markdown-it reads in linear time, but its
# worst case (a run of "[") costs about 10 µs a character, so these keep any one render well
# under a second: a lesson section's body, a question's prompt or explanation.
MAX_BODY_CHARS = 50_000
MAX_QUESTION_TEXT_CHARS = 10_000

# Characters that mean something to Markdown, and the characters that do so only at the start
# of a line (a heading, a quote, a list item).
_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>&~|!"})
_LINE_START = re.compile(r"^([ \t]*+(?:\d{1,9}+(?=[.)]))?)([#>+=.)-])", re.MULTILINE)


def render_markdown(text: str) -> str:
    """Render Markdown ``text`` to sanitized HTML."""
    html = _md.render(text or "")
    # Headings inside a section body sit below the section's own <h2>: # -> h3, ## -> h4 ...
    for level in (5, 4, 3, 2, 1):
        new = min(level + 2, 6)
        html = html.replace(f"<h{level}>", f"<h{new}>").replace(f"</h{level}>", f"</h{new}>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


def render_inline(text: str) -> str:
    """Render one line of Markdown (a question prompt or a choice) without a wrapping <p>."""
    html = _md.renderInline(text or "")
    return nh3.clean(
        html,
        tags={"strong", "em", "code", "del", "a", "br"},
        attributes={"a": {"href", "title"}},
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


def escape_markdown(text: str) -> str:
    """Plain ``text`` as Markdown that renders to the same words: every character Markdown would
    read as markup is escaped with a backslash (CommonMark allows it before any punctuation)."""
    return _LINE_START.sub(r"\1\\\2", text.translate(_SPECIAL))
