"""Read a pasted article (plain text or Markdown) into a structured draft lesson.

Plain Python: text in, a frozen `ArticleDraft` out; no ORM, no request. `parse_article` never
raises: text of a shape it does not know degrades to a title plus paragraphs in one section.

How the text is read, in order:

1. **Clean-up.** A byte-order mark, Windows or old Mac line endings, tabs, non-breaking spaces and
   trailing spaces are normalised; Markdown front matter (``---`` … ``---``) is read for
   ``title:``, ``date:`` and ``author:`` and dropped. Site chrome lines are dropped: "Skip to main
   content", the quiz call to action ("Ready to test your knowledge?", "Take the full quiz…",
   "Start Quiz" — these set `has_quiz_cta`), share prompts, short "Subscribe…" lines,
   "Advertisement".
2. **Units.** Lines become units: a blank line always ends a unit; inside a block of lines a prose
   line is joined to the previous prose line when that one stops mid-sentence, or (in texts that
   use blank lines between paragraphs) when it is a short hard-wrapped line. Texts without blank
   lines (one paragraph per line) keep one unit per line. Markdown inline marks (``**bold**``,
   ``_em_``, `` `code` ``, ``[text](url)``) are reduced to their text.
3. **Each unit is classified**: Markdown heading, bullet (``-``/``*``/``+``/``•``), ordered item
   (``1.``/``1)``), a number on its own line, an outlet count (``+31``), a date line, a credit
   ("Source: …", "Photo: …", "Chart: …", "Photo by …"), topic chips (emoji + name run together),
   an editor's note ("A note to our readers: …", "Editor's note: …"), a byline ("By …"), a short
   heading-like line (at most 8 words, no closing period, starting with a capital) or prose.
4. **Shape.** ``markdown`` when there is a Markdown heading; ``news`` when the page opens with a
   date line or has an outlet strip ending in ``+N``; ``essay`` when a title-like first line is
   followed by structure (headings, a standfirst, an editor's note, an author bio or at least two
   paragraphs); ``unknown`` otherwise.
5. **Header.** News: [date] headline [date], the outlet strip (short outlet-like lines up to
   ``+N``; without ``+N`` the run of outlet-like lines of one block), then the angle subhead (a
   title-like line followed by prose). Essay: title, then a date line or byline if any, then the
   standfirst (the next paragraph if it is at most two sentences and 60 words). Markdown: the first
   ``#`` heading is the title; a wholly emphasised or quoted first paragraph is the standfirst.
6. **Body.** Short heading-like lines followed by prose start sections in essays and news pages;
   in Markdown only ``#`` headings (and wholly bold lines) do. The text before the first heading
   is the section "Overview" (essays, Markdown) or "Summary" (news). On a news page with an angle
   and two or more paragraphs, the first paragraph (what happened) stays in "Summary" and **the
   angle heads a second section holding the paragraphs after it** (the analysis the angle sums
   up); `angle` also keeps the subhead. Credits, topic chips and editor's notes anywhere are taken
   out of the body. A "What you can do" heading starts the action list: numbers standing on their
   own line with the text on the next unit, ``1.``/``1)`` items, bullets, or plain lines when the
   list has no markers; the list ends at the next heading or unmarked paragraph.
7. **Author.** The last paragraph of an essay or Markdown article that reads
   "<Name> is a/an/the …" (or "<Name> writes/covers/served …") is the author bio and names the
   author; a "By <Name>" line or front matter does too.

Actions get a kind from their first verb (see `action_kind`) and a link from
`civics.links.derive_link` (phone → ``tel:`` E.164, e-mail → ``mailto:``, DEA.gov →
``https://dea.gov``); a Markdown link's target is used when the text names no link itself.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.text import slugify

from civics.content.links import EMAIL, PHONE, derive_link
from civics.content.models import ActionItem

UNTITLED = "Untitled article"
ACTION_KINDS = tuple(ActionItem.Kind.values)
ARTICLE_KINDS = ("essay", "news", "markdown", "unknown")


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph; `position` is its 0-based index among all paragraphs of the article."""

    text: str
    position: int


@dataclass(frozen=True)
class Section:
    """A heading, its anchor (slugified heading, unique in the article) and its paragraphs."""

    heading: str
    anchor: str
    paragraphs: tuple[Paragraph, ...] = ()


@dataclass(frozen=True)
class TopicChip:
    """A topic chip such as "🌍Foreign Policy": its name and its emoji (with any selectors)."""

    name: str
    emoji: str


@dataclass(frozen=True)
class ActionDraft:
    """One "What you can do" item: text, kind (one of `ACTION_KINDS`) and a link or ""."""

    text: str
    kind: str
    link: str = ""


@dataclass(frozen=True)
class ArticleDraft:
    """Everything `parse_article` found in an article. Empty strings/tuples mean "not found"."""

    title: str
    kind: str = "unknown"
    date: dt.date | None = None
    outlets: tuple[str, ...] = ()
    more_outlets: int = 0
    standfirst: str = ""
    angle: str = ""
    editor_note: str = ""
    author: str = ""
    author_bio: str = ""
    sections: tuple[Section, ...] = ()
    credits: tuple[str, ...] = ()
    topics: tuple[TopicChip, ...] = ()
    actions: tuple[ActionDraft, ...] = ()
    has_quiz_cta: bool = False

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        """All body paragraphs in article order."""
        return tuple(p for section in self.sections for p in section.paragraphs)


# --- Line patterns ---------------------------------------------------------------------------

_CTA = re.compile(
    r"^(?:ready to test your knowledge\??|take the (?:full )?quiz\b.*|start (?:the )?quiz[.!]?"
    r"|take (?:the|this) quiz[.!]?)$",
    re.IGNORECASE,
)
_CHROME = re.compile(
    r"^(?:skip to (?:the )?(?:main )?content|skip navigation|advertisement|sponsored content"
    r"|share(?: this)?(?: (?:article|story|page|post))?:?|share (?:on|via) [\w ]{1,20}"
    r"|copy link|link copied|back to top|subscribe(?: now| today| for free)?[.!]?"
    r"|(?:subscribe to|sign up for) (?:our|the) (?:free )?newsletters?[.!]?)$",
    re.IGNORECASE,
)
_ATX = re.compile(r"^(#{1,6})\s+(.*)$")
_RULE = re.compile(r"^(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_SETEXT = re.compile(r"^(?:=+|-+)$")
_BULLET = re.compile(r"^[-*+•·–]\s+(.*)$")
_ORDERED = re.compile(r"^\(?(\d{1,3})[.)]\s+(.*)$")
_NUMBER_ONLY = re.compile(r"^\(?(\d{1,3})[.)]?$")
_MORE = re.compile(r"^(?:\+\s?(\d{1,4})(?:\s+(?:more|others|sources))?|and (\d{1,4}) more)$", re.I)
_CREDIT = re.compile(
    r"^\(?(?:(?:photo|photograph|image|chart|graphic|graph|illustration|map|data|video|credit"
    r"|source|sources|photo credit|image credit|chart source)s?\s*:"
    r"|(?:photo|photograph|image|illustration|chart|graphic|map)s? (?:by|courtesy of)\s)",
    re.IGNORECASE,
)
_NOTE = re.compile(
    r"^(?:a note to (?:our )?readers|editor[’']?s note|note from the editor|a note from the "
    r"editors?)\s*[:—–-]\s*",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^[Bb]y\s+([A-Z][\w.’'-]*(?:\s+(?:[A-Z][\w.’'-]*|and|&)){0,5})$")
_ACTIONS_HEADING = re.compile(
    r"^(?:what (?:you|can you|can i) (?:can )?do(?: now| next| about it| to help)?"
    r"|take action|get involved|how (?:you can|to) (?:help|get involved|take action)"
    r"|actions? (?:you can take|to take)|ways to (?:help|act|get involved))\s*[?:!.]?$",
    re.IGNORECASE,
)
_BIO = re.compile(
    r"^((?:Dr\.\s)?[A-Z][\w.’'-]+(?:\s+(?:[A-Z][\w.’'-]+|de|del|la|van|von|da|di)){1,4})\s+"
    r"(?:is (?:a|an|the)\b|was (?:a|an|the)\b|(?:writes|covers|teaches|served|serves|has served"
    r"|has covered|has written)\b)"
)
_TITLE_WORDS = {
    "mayor", "senator", "sen.", "governor", "gov.", "president", "secretary", "judge", "the",
    "representative", "rep.", "councilmember", "chair", "superintendent", "ambassador", "this",
    "that", "our", "we", "it", "state", "city", "county", "council", "board",
}  # fmt: skip
_OUTLET_WORDS = re.compile(
    r"\b(?:news|press|times|post|journal|radio|tribune|herald|gazette|guardian|reuters|npr|pbs"
    r"|cnn|bbc|fox|nbc|cbs|abc|bloomberg|politico|axios|hill|wire|daily|magazine|network|media"
    r"|chronicle|observer|examiner|inquirer|courier|independent|telegraph|economist|atlantic"
    r"|review|report|record|bulletin|ap|upi|today|weekly|monitor|sentinel|dispatch|register)\b",
    re.IGNORECASE,
)
_TERMINAL = tuple(".!?;:,")
_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]*$")

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}  # fmt: skip
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_DATE_FORMS = (
    rf"{_MONTH}\s+{_DAY},?\s+(?P<year>\d{{4}})",
    rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})",
    r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})",
    r"(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})",
)
_DATE_LINE = [
    re.compile(
        r"^(?:(?:published|updated|posted|date|dated)\s*:?\s*(?:on\s+)?)?"
        r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
        + form
        + r"(?:\s*(?:[|·•,]|at|[-–—])?\s*\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?\.?$",
        re.IGNORECASE,
    )
    for form in _DATE_FORMS
]


def parse_date(text: str) -> dt.date | None:
    """Return the date when `text` is a date line ("September 3, 2025", "Sep. 3, 2025",
    "2025-09-03", "3 September 2025", "Wednesday, Sept 3, 2025", "Published: 09/03/2025"),
    else None. Impossible dates (February 30) are not dates."""
    line = " ".join(text.split())
    for pattern in _DATE_LINE:
        match = pattern.match(line)
        if not match:
            continue
        month = match["month"]
        number = int(month) if month.isascii() and month.isdigit() else _MONTHS.get(month.lower())
        if number is None:
            continue
        try:
            return dt.date(int(match["year"]), number, int(match["day"]))
        except ValueError:
            return None
    return None


# --- Topic chips -----------------------------------------------------------------------------

_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2300, 0x23FF),
    (0x2B00, 0x2BFF),
    (0x25A0, 0x25FF),
)
_EMOJI_SINGLES = {0x3030, 0x303D, 0x3297, 0x3299, 0x203C, 0x2049}
_EMOJI_MODIFIERS = (
    {0xFE0F, 0xFE0E, 0x20E3} | set(range(0x1F3FB, 0x1F400)) | set(range(0xE0020, 0xE0080))
)
_REGIONAL = range(0x1F1E6, 0x1F200)


def _is_emoji(char: str) -> bool:
    code = ord(char)
    return code in _EMOJI_SINGLES or any(low <= code <= high for low, high in _EMOJI_RANGES)


def _emoji_end(text: str, start: int) -> int:
    """Index just past the emoji cluster starting at `start` (selectors, skin tones, ZWJ, flags)."""
    end = start + 1
    if ord(text[start]) in _REGIONAL and end < len(text) and ord(text[end]) in _REGIONAL:
        end += 1
    while end < len(text):
        code = ord(text[end])
        if code in _EMOJI_MODIFIERS:
            end += 1
        elif code == 0x200D and end + 1 < len(text) and _is_emoji(text[end + 1]):
            end += 2
        else:
            break
    return end


def split_topic_chips(line: str) -> tuple[TopicChip, ...]:
    """Split "🌍Foreign Policy🏛️Government" into chips; () when the line is not a chip strip.

    Each chip is an emoji cluster followed by a name of at most five words; separators
    (spaces, commas, "·", "|", "/") between chips are dropped. An optional "Topics:" prefix is
    allowed.
    """
    text = re.sub(r"^(?:topics?|tags?)\s*:\s*", "", line.strip(), flags=re.IGNORECASE)
    if not text or not _is_emoji(text[0]):
        return ()
    chips: list[TopicChip] = []
    index = 0
    while index < len(text):
        if not _is_emoji(text[index]):
            return ()
        end = _emoji_end(text, index)
        emoji = text[index:end]
        stop = end
        while stop < len(text) and not _is_emoji(text[stop]):
            stop += 1
        name = text[end:stop].strip(" ,;·|/•\u200d\ufe0f")
        words = name.split()
        if not words or len(words) > 5 or len(name) > 40 or name.endswith((".", "!", "?")):
            return ()
        if not any(char.isalpha() for char in name):
            return ()
        chips.append(TopicChip(name=name, emoji=emoji))
        index = stop
    return tuple(chips)


# --- Actions -----------------------------------------------------------------------------------

_VERB_KINDS = {
    "call": "call", "phone": "call", "dial": "call", "ring": "call", "text": "call",
    "write": "write", "email": "write", "e-mail": "write", "petition": "write", "sign": "write",
    "submit": "write", "comment": "write", "message": "write", "tweet": "write", "post": "write",
    "send": "write", "file": "write", "draft": "write", "urge": "write",
    "attend": "attend", "go": "attend", "visit": "attend", "testify": "attend", "speak": "attend",
    "show": "attend", "tour": "attend", "watch": "attend",
    "read": "read", "learn": "read", "review": "read", "study": "read", "research": "read",
    "listen": "read", "explore": "read", "look": "read", "find": "read", "check": "read",
    "track": "track", "monitor": "track", "follow": "track", "subscribe": "track",
    "bookmark": "track", "compare": "track", "request": "track", "keep": "track",
    "join": "join", "become": "join", "enroll": "join", "register": "join", "sign-up": "join",
    "apply": "join", "run": "join", "serve": "join",
    "support": "support", "donate": "support", "volunteer": "support", "back": "support",
    "fund": "support", "give": "support", "sponsor": "support", "contribute": "support",
    "pressure": "other", "vote": "other", "ask": "other", "share": "other", "talk": "other",
    "organize": "other", "demand": "other", "encourage": "other",
}  # fmt: skip
_FILLER = {"please", "also", "then", "and", "to", "now", "today", "first", "next", "finally"}


def action_kind(text: str) -> str:
    """Infer an action's kind from its first verb, with keywords as a fallback.

    Call/Phone/Dial → call; Write/Email/Petition/Sign/Submit → write; Attend/Visit/Testify →
    attend; Read/Learn/Review → read; Track/Monitor/Follow → track; Join/Become/Register → join;
    Support/Donate/Volunteer → support; Pressure/Vote/Ask → other. "Contact" or "Reach out"
    is a call when the text has a phone number (or no address at all) and write when it names an
    e-mail address or a website. Unknown first words fall back to keywords (a phone number →
    call, "petition"/an e-mail address → write, "meeting"/"hearing" → attend), else other.
    """
    words = [w.strip("“”\"'(),.:;!").lower() for w in text.split()]
    words = [w for w in words if w and w not in _FILLER]
    first = words[0] if words else ""
    lowered = text.lower()
    if first in {"contact", "reach", "tell", "notify"}:
        if PHONE.search(text):
            return "call"
        if EMAIL.search(text) or derive_link(text):
            return "write"
        return "call"
    if first == "sign" and len(words) > 1 and words[1] == "up":
        return "attend" if re.search(r"\b(?:speak|testify|comment)\b", lowered) else "join"
    if first in _VERB_KINDS:
        return _VERB_KINDS[first]
    if first.endswith("s") and first[:-1] in _VERB_KINDS:
        return _VERB_KINDS[first[:-1]]
    if PHONE.search(text):
        return "call"
    if EMAIL.search(text) or "petition" in lowered or "letter" in lowered:
        return "write"
    if re.search(r"\b(?:meeting|hearing|town hall|session)s?\b", lowered):
        return "attend"
    return "other"


def make_action(text: str, raw: str = "") -> ActionDraft:
    """Build an `ActionDraft`: kind from `action_kind`, link from the text (or from `raw`,
    the Markdown source, when the visible text names no link)."""
    link = derive_link(text) or (derive_link(raw) if raw else "")
    return ActionDraft(text=text, kind=action_kind(text), link=link)


# --- Units ------------------------------------------------------------------------------------


@dataclass
class _Unit:
    text: str
    raw: str
    kind: str  # heading bullet ordered number more date credit chips note byline short prose rule
    block: int
    level: int = 0
    emphasised: bool = False
    extra: object = None
    lines: list[str] = field(default_factory=list)
    raws: list[str] = field(default_factory=list)


# Each pattern runs in time linear in the text: link and image texts hold no brackets and their
# targets no "[", so a failed match stops at the next bracket instead of scanning on; the
# emphasis patterns only run over the text up to the last place a closing mark can stand (see
# `_inline`), because an opening mark with no closing one after it would scan to the end of the
# text, once per opening mark.
_INLINE = (
    (re.compile(r"!\[[^\[\]]*+\]\([^)\[]*+\)"), "", None),
    (re.compile(r"\[([^\[\]]++)\]\(([^)\s\[]*+)(?:\s+\"[^\"]*\")?\)"), r"\1", None),
    (re.compile(r"<(https?://[^<>\s]++)>"), r"\1", None),
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"\1", re.compile(r"(?s:.*)(?<=\S)\*\*")),
    (re.compile(r"__(?=\S)(.+?)(?<=\S)__"), r"\1", re.compile(r"(?s:.*)(?<=\S)__")),
    (
        re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"),
        r"\1",
        re.compile(r"(?s:.*)(?<=\S)\*(?![\w*])"),
    ),
    (
        re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"),
        r"\1",
        re.compile(r"(?s:.*)(?<=\S)_(?![\w_])"),
    ),
    (re.compile(r"`([^`]+)`"), r"\1", None),
)
_EMPHASISED = re.compile(r"^(?:\*\*?|__?)(?=\S).+(?<=\S)(?:\*\*?|__?)$")
# A person's name repeated with no space ("Marco RubioMarco Rubio") is left over from a name
# rendered twice by a page (text plus hover card).
_DOUBLED_NAME = re.compile(r"\b([A-Z][a-z’'-]++(?: [A-Z][a-z’'-]++){1,3})\1\b")


def _inline(text: str) -> str:
    for pattern, replacement, last_close in _INLINE:
        if last_close is None:
            text = pattern.sub(replacement, text)
        elif close := last_close.match(text):
            # Every match ends with a closing mark, so none ends after the last one: the tail
            # after it is left as it is instead of being scanned once per opening mark in it.
            text = pattern.sub(replacement, text[: close.end()]) + text[close.end() :]
    text = _DOUBLED_NAME.sub(r"\1", text)
    return " ".join(text.split())


def _heading_like(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 8 or len(text) > 70 or text.endswith(_TERMINAL):
        return False
    first = next((char for char in text if char.isalnum()), "")
    return first.isupper() or first.isdigit() and any(char.isalpha() for char in text)


def _title_like(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 25 or len(text) > 200 or text.endswith((".", ",", ";")):
        return False
    return any(char.isalpha() for char in text)


def _outlet_like(unit: _Unit) -> bool:
    words = unit.text.split()
    return (
        unit.kind == "short"
        and 1 <= len(words) <= 6
        and not unit.text.endswith(("?", "!"))
        and (unit.text[0].isupper() or unit.text[0].isdigit())
    )


def _atx_text(text: str) -> str:
    """A Markdown heading's text without its closing run of "#" (``## Budget ##``).

    Done by hand: the pattern ``(.*?)(?:\\s+#+)?\\s*$`` it replaces rescanned a run of spaces
    from every position in it, quadratic in the length of the run."""
    text = text.rstrip()
    bare = text.rstrip("#")
    if bare != text and bare[-1:].isspace():
        return bare.rstrip()
    return text


def _classify(line: str) -> tuple[str, str, int, object]:
    """(kind, text, level, extra) of one stripped line."""
    if match := _ATX.match(line):
        return "heading", _inline(_atx_text(match[2])), len(match[1]), None
    if _RULE.match(line):
        return "rule", "", 0, None
    if match := _MORE.match(line):
        return "more", line, 0, int(match[1] or match[2])
    if match := _NUMBER_ONLY.match(line):
        return "number", line, 0, int(match[1])
    if match := _BULLET.match(line):
        return "bullet", _inline(match[1]), 0, None
    if match := _ORDERED.match(line):
        return "ordered", _inline(match[2]), 0, int(match[1])
    text = _inline(line.lstrip("> ").strip()) if line.startswith(">") else _inline(line)
    if not text:
        return "rule", "", 0, None
    if (date := parse_date(text)) is not None:
        return "date", text, 0, date
    if _CREDIT.match(text) and len(text.split()) <= 25:
        return "credit", text.strip("()"), 0, None
    if chips := split_topic_chips(text):
        return "chips", text, 0, chips
    if _NOTE.match(text):
        return "note", text, 0, None
    if (match := _BYLINE.match(text)) and len(text.split()) <= 7:
        return "byline", text, 0, match[1]
    if _heading_like(text):
        return "short", text, 0, None
    return "prose", text, 0, None


def _keep(char: str) -> bool:
    # Control and format characters go, except the joiners inside emoji sequences.
    return char == " " or char in "\u200d" or unicodedata.category(char)[0] != "C"


_SPACES = str.maketrans(dict.fromkeys("\t\xa0\u2007\u202f", " "))


def _clean_lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text.replace("\ufeff", ""))
    lines = []
    for line in text.splitlines():
        line = line.translate(_SPACES)
        if not line.isprintable():  # only then can it hold a control or format character
            line = "".join(char for char in line if _keep(char))
        lines.append(line.strip())
    return lines


def _front_matter(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    if not lines or lines[0] != "---":
        return {}, lines
    for end in range(1, min(len(lines), 60)):
        if lines[end] in ("---", "..."):
            meta = {}
            for line in lines[1:end]:
                key, sep, value = line.partition(":")
                if sep and key.strip().isidentifier():
                    meta[key.strip().lower()] = value.strip().strip("\"'")
            return meta, lines[end + 1 :]
    return {}, lines


def _units(lines: list[str]) -> tuple[list[_Unit], bool]:
    """Group lines into classified units; also says whether any quiz call to action was seen."""
    # Blank-line mode: a blank line stands between two lines with text.
    filled = [i for i, line in enumerate(lines) if line]
    blank_mode = bool(filled) and len(filled) < filled[-1] - filled[0] + 1
    units: list[_Unit] = []
    block = 0
    cta = False
    previous_blank = True
    for line in lines:
        if not line:
            if not previous_blank:
                block += 1
            previous_blank = True
            continue
        previous_blank = False
        if _CTA.match(line.strip("*_# ")):
            cta = True
            continue
        if _CHROME.match(line.strip("*_# ")) and len(line.split()) <= 6:
            continue
        if _SETEXT.match(line) and units and units[-1].block == block and len(line) >= 2:
            last = units[-1]
            if last.kind in ("short", "prose") and len(last.lines) == 1 and len(last.text) <= 90:
                last.kind, last.level = "heading", 1 if line[0] == "=" else 2
                continue
        kind, text, level, extra = _classify(line)
        quoted = line.startswith(">")
        plain = line.lstrip("> ").strip() if quoted else line
        emphasised = bool(_EMPHASISED.match(plain)) or quoted
        if kind == "prose" or kind == "short":
            last = units[-1] if units else None
            if (
                last
                and last.block == block
                and last.kind == "prose"
                and _joins(last, plain, kind, blank_mode)
            ):
                last.lines.append(plain)
                last.raws.append(line)
                continue
        if kind == "short" and emphasised and plain.startswith(("**", "__")):
            kind, level = "heading", 0  # a wholly bold short line reads as a heading
        units.append(_Unit(text, line, kind, block, level, emphasised, extra, [plain], [line]))
    # A unit of several lines is read once it is whole: reading it again after every line
    # would be quadratic in its number of lines.
    for unit in units:
        if len(unit.lines) > 1:
            joined = " ".join(unit.lines)
            unit.raw = "\n".join(unit.raws)
            unit.text = _inline(joined)
            unit.emphasised = bool(_EMPHASISED.match(joined)) or unit.raw.startswith(">")
    return units, cta


def _joins(previous: _Unit, line: str, kind: str, blank_mode: bool) -> bool:
    last_line = previous.lines[-1]
    mid_sentence = not _SENTENCE_END.search(last_line)
    starts_lower = line[:1].islower()
    if not blank_mode:
        return mid_sentence and starts_lower
    if mid_sentence:
        return True
    return kind == "prose" and len(last_line) <= 120


# --- Parsing ----------------------------------------------------------------------------------


@dataclass
class _State:
    title: str = ""
    date: dt.date | None = None
    outlets: list[str] = field(default_factory=list)
    more_outlets: int = 0
    standfirst: str = ""
    angle: str = ""
    editor_note: str = ""
    author: str = ""
    author_bio: str = ""
    credits: list[str] = field(default_factory=list)
    topics: list[TopicChip] = field(default_factory=list)
    actions: list[ActionDraft] = field(default_factory=list)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)


def parse_article(text: str) -> ArticleDraft:
    """Parse a pasted article into an `ArticleDraft` (see the module docstring for the rules).

    Never raises: an empty text gives the title "Untitled article" and no sections.
    """
    lines = _clean_lines(text or "")
    meta, lines = _front_matter(lines)
    units, cta = _units(lines)
    kind = _shape(units, bool(meta))
    state = _State()
    if kind == "unknown":
        _parse_unknown(units, state)
    else:
        start = _parse_header(units, kind, state)
        _parse_body(units, start, kind, state)
    if meta.get("title"):
        state.title = _inline(meta["title"])
    if meta.get("date") and state.date is None:
        state.date = parse_date(meta["date"])
    if meta.get("author") and not state.author:
        state.author = meta["author"]
    if not state.title and units:
        state.title = _shorten_title(units[0].text)
    return _freeze(state, kind, cta)


def _shape(units: list[_Unit], front_matter: bool) -> str:
    if not units:
        return "markdown" if front_matter else "unknown"
    if front_matter or any(u.kind == "heading" for u in units):
        return "markdown"
    if units[0].kind == "date" or any(u.kind == "more" for u in units[:15]):
        return "news"
    if any(u.kind == "chips" for u in units) and any(u.kind == "date" for u in units[:3]):
        return "news"
    if not _title_like(units[0].text) or units[0].kind in ("bullet", "ordered", "rule"):
        return "unknown"
    rest = units[1:]
    prose = sum(u.kind == "prose" for u in rest)
    structure = any(u.kind in ("note", "byline") for u in rest) or any(
        u.kind == "short" and nxt.kind == "prose" for u, nxt in zip(rest, rest[1:], strict=False)
    )
    return "essay" if prose >= 2 or (structure and prose >= 1) else "unknown"


def _parse_unknown(units: list[_Unit], state: _State) -> None:
    paragraphs = []
    for index, unit in enumerate(units):
        if index == 0 and unit.kind not in ("prose", "bullet", "ordered", "rule"):
            state.title = unit.text
            continue
        if index == 0:
            state.title = _shorten_title(unit.text)
        if unit.kind == "credit":
            state.credits.append(unit.text)
        elif unit.kind == "chips":
            state.topics.extend(unit.extra)
        elif unit.text:
            paragraphs.append(unit.text)
    state.sections.append(("Overview", paragraphs))


def _shorten_title(text: str) -> str:
    """The first sentence of `text`, cut to about 80 characters, with a capital first letter."""
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text, maxsplit=1)[0].strip()
    if len(first) > 80:
        cut = first[:80].rsplit(" ", 1)[0] if " " in first[:80] else first[:80]
        first = cut.rstrip(",;:-") + "…"
    else:
        first = first.rstrip(".")
    return first[:1].upper() + first[1:]


def _parse_header(units: list[_Unit], kind: str, state: _State) -> int:
    """Fill the header fields; return the index of the first body unit."""
    i = 0
    n = len(units)

    def take_meta() -> None:
        nonlocal i
        while i < n and units[i].kind in ("date", "byline"):
            if units[i].kind == "date" and state.date is None:
                state.date = units[i].extra
            elif units[i].kind == "byline":
                state.author = units[i].extra
            i += 1

    take_meta()
    titled = i < n and (units[i].kind == "heading" or _title_like(units[i].text))
    if titled and units[i].kind not in ("bullet", "ordered", "rule", "chips", "credit", "note"):
        state.title = units[i].text
        i += 1
    take_meta()
    if kind == "news":
        i = _news_outlets(units, i, state)
        subhead = i + 1 < n and units[i].kind in ("short", "prose") and units[i + 1].kind == "prose"
        if subhead and _title_like(units[i].text) and not units[i].text.endswith(("?", "!")):
            state.angle = units[i].text
            i += 1
        return i
    # Essays and Markdown: notes and standfirst near the top.
    while i < n and units[i].kind == "note":
        _add_note(units[i], state)
        i += 1
    if i + 1 < n:
        unit = units[i]
        later_prose = any(u.kind == "prose" for u in units[i + 1 :])
        short_enough = len(unit.text.split()) <= 60 and len(_sentences(unit.text)) <= 2
        if kind == "markdown":
            fits = unit.kind == "prose" and unit.emphasised
        else:
            fits = unit.kind == "prose" and not _BIO.match(unit.text)
        if fits and short_enough and later_prose:
            state.standfirst = unit.text
            i += 1
    return i


def _news_outlets(units: list[_Unit], i: int, state: _State) -> int:
    n = len(units)
    j = i
    while j < n and j - i < 60 and _outlet_like(units[j]):
        j += 1
    if j < n and units[j].kind == "more":
        names = [u.text for u in units[i:j]]
        state.more_outlets = units[j].extra
        j += 1
    else:
        # Without "+N" the strip is the run of outlet-like lines of one block; a lone line
        # counts only when it names an outlet and prose does not follow it (else it is the angle).
        run = [u for u in units[i:j] if u.block == units[i].block] if j > i else []
        after = units[i + len(run)] if i + len(run) < n else None
        lone_outlet = len(run) == 1 and bool(_OUTLET_WORDS.search(run[0].text))
        if len(run) >= 2 or lone_outlet and (after is None or after.kind != "prose"):
            names = [u.text for u in run]
            j = i + len(run)
        else:
            return i
    for name in names:
        if name.casefold() not in {o.casefold() for o in state.outlets}:
            state.outlets.append(name)
    return j


def _add_note(unit: _Unit, state: _State) -> None:
    note = _NOTE.sub("", unit.text, count=1).strip()
    state.editor_note = f"{state.editor_note} {note}".strip()


def _parse_body(units: list[_Unit], start: int, kind: str, state: _State) -> None:
    intro = "Summary" if kind == "news" else "Overview"
    sections: list[tuple[str, list[str]]] = [(intro, [])]
    body = units[start:]
    bio_index = _bio_index(body) if kind != "news" else None
    in_actions = False
    style = ""  # how the action list marks its items: number, ordered, bullet or plain
    pending = False
    for index, unit in enumerate(body):
        nxt = body[index + 1] if index + 1 < len(body) else None
        if index == bio_index:
            state.author_bio = unit.text
            state.author = state.author or _BIO.match(unit.text)[1]
            continue
        if unit.kind == "rule":
            continue
        if unit.kind == "note":
            _add_note(unit, state)
            continue
        if unit.kind == "credit":
            state.credits.append(unit.text)
            continue
        if unit.kind == "chips":
            state.topics.extend(unit.extra)
            continue
        if unit.kind == "more":
            state.more_outlets = state.more_outlets or unit.extra
            continue
        if unit.kind == "byline" and not state.author:
            state.author = unit.extra
            continue
        if in_actions:
            if unit.kind == "number":
                style, pending = "number", True
                continue
            if unit.kind in ("bullet", "ordered") or pending:
                style = style or unit.kind
                state.actions.append(make_action(unit.text, unit.raw))
                pending = False
                continue
            if not style and unit.kind in ("prose", "short"):
                state.actions.append(make_action(unit.text, unit.raw))
                continue
            in_actions = False
        if _is_heading(unit, nxt, kind):
            if _ACTIONS_HEADING.match(unit.text):
                in_actions, style, pending = True, "", False
                continue
            sections.append((unit.text, []))
            continue
        if unit.kind == "date" and state.date is None:
            state.date = unit.extra
            continue
        if unit.kind == "number":
            continue  # list numbering left on its own line
        sections[-1][1].append(unit.text)
    if kind == "news" and state.angle and len(sections[0][1]) >= 2:
        lede, rest = sections[0][1][:1], sections[0][1][1:]
        sections[0:1] = [(intro, lede), (state.angle, rest)]
    state.sections = [(heading, paras) for heading, paras in sections if paras]


def _is_heading(unit: _Unit, nxt: _Unit | None, kind: str) -> bool:
    if unit.kind == "heading":
        return True
    if unit.kind != "short":
        return False
    if _ACTIONS_HEADING.match(unit.text):
        return True
    if kind == "markdown" or nxt is None:
        return False
    return nxt.kind in ("prose", "bullet", "ordered", "number")


def _bio_index(body: list[_Unit]) -> int | None:
    for index in range(len(body) - 1, -1, -1):
        unit = body[index]
        if unit.kind in ("prose", "short"):
            match = _BIO.match(unit.text)
            if match and match[1].split()[0].lower() not in _TITLE_WORDS:
                return index
            return None
        if unit.kind in ("heading", "bullet", "ordered", "number"):
            return None
    return None


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", text) if s]


def _freeze(state: _State, kind: str, cta: bool) -> ArticleDraft:
    sections = []
    position = 0
    seen: dict[str, int] = {}
    for number, (heading, texts) in enumerate(state.sections, start=1):
        anchor = slugify(heading)[:80].strip("-") or f"section-{number}"
        if anchor in seen:
            seen[anchor] += 1
            anchor = f"{anchor}-{seen[anchor]}"
        else:
            seen[anchor] = 1
        paragraphs = []
        for text in texts:
            paragraphs.append(Paragraph(text=text, position=position))
            position += 1
        if paragraphs:
            sections.append(Section(heading=heading, anchor=anchor, paragraphs=tuple(paragraphs)))
    topics: list[TopicChip] = []
    seen_topics: set[str] = set()
    for chip in state.topics:
        if chip.name.casefold() not in seen_topics:
            seen_topics.add(chip.name.casefold())
            topics.append(chip)
    credits = list(dict.fromkeys(state.credits))
    title = " ".join(state.title.split()).strip() or UNTITLED
    return ArticleDraft(
        title=title,
        kind=kind,
        date=state.date,
        outlets=tuple(state.outlets),
        more_outlets=state.more_outlets,
        standfirst=state.standfirst,
        angle=state.angle,
        editor_note=state.editor_note,
        author=state.author,
        author_bio=state.author_bio,
        sections=tuple(sections),
        credits=tuple(credits),
        topics=tuple(topics),
        actions=tuple(state.actions),
        has_quiz_cta=cta,
    )
