"""Draft quiz questions from an imported article, each citing the sentence it comes from.

Plain Python, deterministic, no language model: an `ArticleDraft` in, a list of `Draft`s out.
Every draft is a `gift.GiftQuestion` that passes `validation.validate_question`; an educator
edits and publishes them, no learner sees a draft.

How drafts are found:

1. **Sentences** of every section paragraph, and of the "What you can do" items (cited with the
   section anchor ``what-you-can-do``, the lesson page's id for its checklist, and no paragraph
   position), are split on sentence ends that are not abbreviations ("U.S.", "Sep.", "Dr.").
2. **Facts** in a sentence, by kind, earlier kinds winning where spans overlap: phone number,
   website, e-mail address, date ("Sep. 3, 2025"), percentage, number (with "$", thousands
   separators and units such as "million" or "-mile"), year (1600–2099), organisation
   (capitalised words with an organisation word: Department, Office, Council, Guard, …), name
   (two to four capitalised words, or "<Surname> administration"), place (countries, US states,
   large cities and regions). Numbers below 2 and the abbreviation "U.S." are not facts.
3. **Selection**: sections take turns, each giving its best remaining fact (numbers, years,
   dates and percentages before organisations, names and places; then article order) until
   `max_drafts`; the action list comes last. A fact value is tested once (normalised: case,
   accents, thousands separators, "Sep. 3" = "September 3"); a sentence gives one draft, or two
   once every section has run out of fresh sentences; a fact that occurs twice in its sentence
   is skipped.
4. **Question types** rotate over the selected facts: multiple choice, fill-in, true/false.
   Multiple choice needs three distractors of the fact's kind: the other values of that kind in
   the article, nearest first (years by distance, names by shape); for numbers and years,
   plausible neighbours of the same magnitude and format (2,000 → 1,600 / 2,400 / 3,000;
   50 → 40 / 60 / 75); for places and organisations, well-known ones of the same class. Without
   three distractors a fill-in is drafted instead. Fill-ins are numeric (tolerance 0) for
   numbers, years and percentages, short answer (with variants: surname, accents dropped,
   acronym, "the …") otherwise; a variant the sentence itself shows is left out. True/false
   alternates: the sentence as written (true), then its twin with the fact swapped for the
   nearest distractor (false); action items, being instructions, get a fill-in instead.
5. **Prompts** put the sentence in quotes with the fact replaced by ``_____`` and ask a plain
   question ("Which year completes this sentence from the article?"); long sentences are cut to a
   window of words around the fact so a prompt stays within 300 characters. Choices are sorted
   (numbers ascending, text alphabetically), so the right answer's place depends on its value
   only. The explanation cites the section and the full sentence.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from civics.authoring.importer import ArticleDraft
from civics.content.links import EMAIL, PHONE, SITE
from quizzes.gift import BLANK, GiftChoice, GiftNumeric, GiftQuestion
from quizzes.models import Question
from quizzes.validation import validate_question

MAX_PROMPT = 300
# Larger numbers are runs of digits (an ID, a pasted blob), not quantities to ask about.
MAX_QUANTITY = 1e15
# A longer "sentence" is a run-on blob (a pasted table, a page without full stops): no draft.
MAX_SENTENCE = 1_000
ACTIONS_ANCHOR = "what-you-can-do"
ACTIONS_HEADING = "What you can do"


@dataclass(frozen=True)
class Draft:
    """A drafted question and where it comes from.

    `sentence` is the article's sentence as written; `section_anchor` the anchor of its section
    (``what-you-can-do`` for the action list); `paragraph_position` the `Paragraph.position` it
    belongs to (None for an action item); `fact` the value the question tests and `fact_kind`
    its kind (year, number, percent, date, phone, site, email, org, name, place).
    `question.category` is the section anchor.
    """

    question: GiftQuestion
    sentence: str
    section_anchor: str
    paragraph_position: int | None
    fact: str
    fact_kind: str = ""
    section_heading: str = ""


@dataclass(frozen=True)
class Fact:
    """A fact found in a sentence: its kind, its text as written and where it sits.

    `value` is what a choice shows (for numbers with "$", "%" or "million", the whole figure);
    `blank_start`/`blank_end` mark what a fill-in replaces (the bare number for those figures);
    `number` is the numeric value of numbers, percentages and years.
    """

    kind: str
    value: str
    start: int
    end: int
    blank_start: int
    blank_end: int
    number: float | None = None
    decimals: int = 0
    grouped: bool = False
    prefix: str = ""
    suffix: str = ""


# --- Sentences -----------------------------------------------------------------------------------

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "sen", "rep", "gov", "gen", "lt", "col", "sgt",
    "prof", "inc", "ltd", "co", "corp", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "no", "mt", "ft", "ave", "blvd", "dept", "univ",
    "approx", "e.g", "i.e", "u.s", "u.k", "d.c", "a.m", "p.m", "u.n", "est", "fig", "ch",
}  # fmt: skip
_SENTENCE_BREAK = re.compile(r"[.!?…]+[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping abbreviations ("U.S.", "Sep. 3") whole."""
    sentences = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        before = text[start : match.start() + 1]
        word = before.split()[-1] if before.split() else ""
        token = word.strip('"“”‘’([').rstrip(".").lower()
        if match.group().startswith(".") and (
            token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token)
        ):
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    if text[start:].strip():
        sentences.append(text[start:].strip())
    return sentences


# --- Facts --------------------------------------------------------------------------------------

_MONTH_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_MONTH_ABBR = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_MONTHS = {
    name.lower(): index + 1
    for index, name in enumerate(_MONTH_NAMES.split("|"))
} | {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_LIST = _MONTH_NAMES.split("|")
_DATE = re.compile(
    rf"\b(?:(?P<m1>{_MONTH_NAMES})|(?P<a1>{_MONTH_ABBR})\.?)\s(?P<d1>\d{{1,2}})"
    rf"(?:st|nd|rd|th)?\b(?:,?\s(?P<y1>\d{{4}})\b)?"
    rf"|\b(?P<d2>\d{{1,2}})\s(?:(?P<m2>{_MONTH_NAMES})|(?P<a2>{_MONTH_ABBR})\.?)"
    rf"(?:,?\s(?P<y2>\d{{4}})\b)?"
)
_PERCENT = re.compile(r"(?<![\w.,])(\d+(?:\.\d+)?)(\s?%|\s(?:percent|per cent)\b)")
_NUMBER = re.compile(
    r"(?<![\w.,/:-])(\$)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\d,.]\d|\w|:\d|\s?[ap]\.?m\b)"
    r"(\s(?:million|billion|trillion|thousand)\b|-[a-z]+(?:-[a-z]+)*)?"
)
_LABEL_BEFORE = re.compile(
    r"\b(?:Route|Highway|Interstate|District|Ward|Precinct|Proposition|Prop\.|Measure|Section"
    r"|Article|Chapter|Title|Room|Suite|No\.|Number|Amendment|Bill|Unit|Station|Gate)\s$"
)
_YEAR = re.compile(r"(?<![\w$.,/-])(1[6-9]\d\d|20\d\d)(?![\w%]|,\d|\.\d|-[a-z])")

_ORG_WORDS = {
    "Department", "Agency", "Office", "Council", "Committee", "Commission", "Board", "Bureau",
    "Guard", "Court", "Congress", "Senate", "Assembly", "Legislature", "Party", "University",
    "College", "School", "Schools", "District", "Authority", "Service", "Institute",
    "Foundation", "Association", "Union", "League", "Nations", "Organization", "Corps",
    "Police", "Army", "Navy", "Reserve", "Bank", "Fund", "Center", "Society", "Coalition",
    "Alliance", "Network", "Trust", "Corporation", "Company", "Ministry", "Parliament",
    "Caucus", "Patrol", "Administration", "Library", "Museum", "Hospital", "Commissioners",
    "Supervisors", "Directors", "Trustees", "Club", "Cooperative", "Conservancy", "Project",
}  # fmt: skip
_CONNECTORS = {"of", "on", "for", "and", "the", "&"}
# Words that start a sentence or an action item rather than a name.
_SENTENCE_WORDS = {
    "The", "A", "An", "In", "On", "At", "For", "But", "And", "Or", "If", "When", "While", "As",
    "After", "Before", "Since", "Although", "Though", "Because", "This", "That", "These", "Those",
    "It", "Its", "Their", "Our", "We", "They", "He", "She", "His", "Her", "Under", "Over", "With",
    "Without", "From", "To", "By", "During", "Even", "Yet", "So", "Still", "Then", "Now", "Only",
    "Most", "Many", "Some", "Each", "Every", "All", "Both", "Why", "How", "What", "Who", "Where",
    "Historically", "Today", "Yesterday", "Tomorrow", "Meanwhile", "However", "Also", "Indeed",
    "Clearly", "Not", "No", "Yes", "Several", "Few", "Another", "Other", "Such", "Despite",
    "Across", "Against", "Among", "Between", "Within", "Into", "Through", "Per", "Gone", "Once",
    "Here", "There", "Like", "Unlike", "Lawmakers", "Residents", "Voters", "Last", "Next", "Please",
    "Contact", "Monitor", "Track", "Call", "Phone", "Write", "Email", "Join", "Support", "Pressure",
    "Attend", "Read", "Follow", "Donate", "Volunteer", "Ask", "Urge", "Tell", "Visit", "Sign",
    "Submit", "Review", "Watch", "Share", "Vote", "Register", "Learn", "Check", "Find", "Demand",
    "Encourage", "Back", "Become", "Contribute", "Give", "Request", "File", "Testify", "Speak",
    "Bring", "Compare", "Subscribe", "Study", "Research", "Reach", "Listen", "Explore", "Use",
}  # fmt: skip
# Words that go before a name (titles, demonyms) but are not part of it.
_TITLE_WORDS = {
    "Mexican", "American", "Chinese", "Russian", "Canadian", "Central", "South", "North", "East",
    "West", "Former", "Acting", "Interim", "Deputy", "Vice", "Chief", "Secretary", "President",
    "Senator", "Sen", "Rep", "Representative", "Governor", "Gov", "Mayor", "Judge", "Justice",
    "Ambassador", "State", "Councilmember", "Councilwoman", "Councilman", "Chair", "Chairwoman",
    "Chairman", "Superintendent", "Commissioner", "Director", "Minister", "Prime", "General",
    "Attorney", "Dr", "Mr", "Mrs", "Ms", "Professor", "Sheriff", "Trustee", "Speaker", "Leader",
    "Majority", "Minority", "Federal", "National", "County", "City", "Town", "Council", "Board",
}  # fmt: skip
_LEADING_STOP = _SENTENCE_WORDS | _TITLE_WORDS
_NAME_STOP = _LEADING_STOP | set(_MONTH_LIST) | {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "I", "U.S",
    "US", "USA", "Act", "Bill", "Law", "Amendment", "Constitution", "Street", "Avenue", "Road",
    "River", "Lake", "Mountain", "Mountains", "Valley", "Park", "Bay", "Island", "Islands",
    "County", "Canyon", "Creek", "Dam", "Basin", "Reservoir", "Highway", "Route", "Plan",
    "Program", "Report", "Initiative", "Proposition", "Measure",
}  # fmt: skip
# A capitalised word: a capital, then word characters with a lower-case letter among them.
# Written so that a search runs in time linear in the text: the characters up to the first
# lower-case letter are read once, without backtracking, and at most 30 of them (a "word" such
# as AAAA… with no lower-case letter would otherwise be read to its end from each of its
# capitals); the rest of the word is read once, possessively.
_LOWER = "a-zà-öø-ÿ"
_NOT_LOWER = rf"(?:[^\W{_LOWER}]|[’'-])"
_WORD = rf"[A-Z]{_NOT_LOWER}{{0,30}}+[{_LOWER}][\w’'-]*+"
_CAPS_RUN = re.compile(rf"{_WORD}(?:\s++{_WORD})*+")
_ORG_RUN = re.compile(rf"(?:{_WORD}|[A-Z]{{2,}})(?:\s++(?:(?:of|on|for|and|the|&)\s*+)?{_WORD})*+")
_ADMIN = re.compile(rf"\b({_WORD}) administration\b")
_ACRONYM_AFTER = re.compile(r"\s*\(([A-Z]{2,6})\)")

_PLACES = {
    "country": (
        "Afghanistan|Albania|Algeria|Argentina|Armenia|Australia|Austria|Bangladesh|Belgium|"
        "Belize|Bolivia|Brazil|Bulgaria|Cambodia|Cameroon|Canada|Chile|China|Colombia|Congo|"
        "Costa Rica|Cuba|Czech Republic|Denmark|Dominican Republic|Ecuador|Egypt|El Salvador|"
        "Ethiopia|Finland|France|Germany|Ghana|Greece|Guatemala|Haiti|Honduras|Hungary|Iceland|"
        "India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Jamaica|Japan|Jordan|Kenya|Lebanon|"
        "Libya|Malaysia|Mexico|Morocco|Nepal|Netherlands|New Zealand|Nicaragua|Nigeria|"
        "North Korea|Norway|Pakistan|Panama|Paraguay|Peru|Philippines|Poland|Portugal|Qatar|"
        "Romania|Russia|Saudi Arabia|Senegal|Serbia|Singapore|Somalia|South Africa|South Korea|"
        "Spain|Sudan|Sweden|Switzerland|Syria|Taiwan|Thailand|Turkey|Uganda|Ukraine|"
        "United Kingdom|United States|Uruguay|Venezuela|Vietnam|Yemen|Zimbabwe"
    ),
    "state": (
        "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|"
        "Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|"
        "Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|"
        "New Hampshire|New Jersey|New Mexico|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|"
        "Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|"
        "Virginia|West Virginia|Wisconsin|Wyoming"
    ),
    "city": (
        "Atlanta|Austin|Baltimore|Beijing|Berlin|Boston|Chicago|Dallas|Denver|Detroit|El Paso|"
        "Houston|London|Los Angeles|Madrid|Mexico City|Miami|Minneapolis|Moscow|Nashville|"
        "New Orleans|New York|Ottawa|Paris|Philadelphia|Phoenix|Pittsburgh|Portland|Sacramento|"
        "San Antonio|San Diego|San Francisco|Seattle|Tijuana|Tokyo|Toronto|Tucson|Washington"
    ),
    "region": (
        "Africa|Asia|Europe|Latin America|Central America|South America|North America|"
        "Middle East|Caribbean|Pacific|Atlantic|Midwest|Great Plains|Appalachia"
    ),
}
_PLACE_CLASS = {name: cls for cls, names in _PLACES.items() for name in names.split("|")}
_PLACE = re.compile(
    r"(?<![\w-])(?:the\s)?("
    + "|".join(sorted((re.escape(n) for n in _PLACE_CLASS), key=len, reverse=True))
    + r")(?![\w])"
)
_KNOWN_ORGS = (
    "Department of Justice", "Department of Homeland Security", "State Department",
    "Government Accountability Office", "Congressional Budget Office",
    "Environmental Protection Agency", "Federal Bureau of Investigation", "National Guard",
    "Federal Election Commission", "Census Bureau", "Supreme Court", "Library of Congress",
)  # fmt: skip

_KIND_ORDER = (
    "phone",
    "site",
    "email",
    "date",
    "percent",
    "number",
    "year",
    "org",
    "name",
    "place",
)
_PREFERENCE = {kind: rank for rank, kind in enumerate(
    ("year", "number", "percent", "date", "org", "name", "place", "site", "phone", "email")
)}  # fmt: skip


def find_facts(sentence: str) -> list[Fact]:
    """Return the facts in `sentence`, left to right, with overlaps resolved by kind."""
    found: list[Fact] = []
    taken: list[tuple[int, int]] = []

    def add(fact: Fact) -> None:
        if any(fact.start < end and start < fact.end for start, end in taken):
            return
        found.append(fact)
        taken.append((fact.start, fact.end))

    for kind in _KIND_ORDER:
        for fact in _FINDERS[kind](sentence):
            add(fact)
    return sorted(found, key=lambda f: f.start)


def _plain(kind: str, match: re.Match, group: int = 0) -> Fact:
    start, end = match.span(group)
    return Fact(kind, match.group(group), start, end, start, end)


def _phones(s: str) -> Iterable[Fact]:
    for match in PHONE.finditer(s):
        start, end = match.span()
        yield Fact("phone", s[start:end].strip(), start, end, start, end)


def _sites(s: str) -> Iterable[Fact]:
    for match in SITE.finditer(s):
        value = match.group(1).rstrip(".,;:/")
        start = match.start(1)
        yield Fact("site", value, start, start + len(value), start, start + len(value))


def _emails(s: str) -> Iterable[Fact]:
    return (_plain("email", m) for m in EMAIL.finditer(s))


def _dates(s: str) -> Iterable[Fact]:
    for match in _DATE.finditer(s):
        yield _plain("date", match)


def _percents(s: str) -> Iterable[Fact]:
    for match in _PERCENT.finditer(s):
        if float(match[1]) >= MAX_QUANTITY:
            continue
        decimals = len(match[1].partition(".")[2])
        yield Fact(
            "percent", match[0], match.start(), match.end(), match.start(1), match.end(1),
            float(match[1]), decimals, False, "", match[2],
        )  # fmt: skip


def _numbers(s: str) -> Iterable[Fact]:
    for match in _NUMBER.finditer(s):
        prefix, whole, fraction, unit = match[1] or "", match[2], match[3], match[4] or ""
        number = float(whole.replace(",", "") + (f".{fraction}" if fraction else ""))
        if number >= MAX_QUANTITY:
            continue  # a run of digits, not a quantity a question could ask about
        is_year = not prefix and not fraction and "," not in whole and 1600 <= number <= 2099
        if number < 2 and not (prefix or fraction or unit) or is_year and not unit:
            continue
        # Only the 20 characters before the number can hold its label (the longest label and
        # its space take 12); searching from the sentence's start was quadratic in its length.
        if _LABEL_BEFORE.search(s, max(0, match.start() - 20), match.start()):
            continue  # "Route 9", "District 4": a label, not a quantity
        digits_start = match.start(2)
        digits_end = match.end(3) if fraction else match.end(2)
        word_unit = unit if unit.startswith(" ") else ""
        value_end = match.end(4) if word_unit else digits_end
        yield Fact(
            "number", s[match.start() : value_end], match.start(), match.end(), digits_start,
            digits_end, number, len(fraction or ""), "," in whole, prefix, word_unit,
        )  # fmt: skip


def _years(s: str) -> Iterable[Fact]:
    for match in _YEAR.finditer(s):
        yield Fact("year", match[1], *match.span(1), *match.span(1), float(match[1]))


def _orgs(s: str) -> Iterable[Fact]:
    for match in _ORG_RUN.finditer(s):
        words = match[0].split()
        while words and (words[0] in _SENTENCE_WORDS or words[0].lower() in _CONNECTORS):
            words.pop(0)
        while words and words[-1].lower() in _CONNECTORS:
            words.pop()
        if len(words) < 2 or not any(w.strip("’'s") in _ORG_WORDS for w in words):
            continue
        value = " ".join(words).removesuffix("’s").removesuffix("'s")
        start = s.find(value, match.start())
        if start >= 0:
            yield Fact("org", value, start, start + len(value), start, start + len(value))


def _names(s: str) -> Iterable[Fact]:
    for match in _ADMIN.finditer(s):
        if match[1] not in _NAME_STOP and match[1] not in _PLACE_CLASS:
            yield _plain("name", match, 1)
    for match in _CAPS_RUN.finditer(s):
        words = [w.removesuffix("’s").removesuffix("'s") for w in match[0].split()]
        while words and (words[0] in _NAME_STOP or words[0].rstrip(".") in _NAME_STOP):
            words.pop(0)
        if not 2 <= len(words) <= 4 or any(w in _NAME_STOP or w in _ORG_WORDS for w in words):
            continue
        value = " ".join(words)
        if value in _PLACE_CLASS or any(place in value for place in _PLACE_CLASS):
            continue
        start = s.find(value, match.start())
        if start >= 0:
            yield Fact("name", value, start, start + len(value), start, start + len(value))


def _places(s: str) -> Iterable[Fact]:
    for match in _PLACE.finditer(s):
        if match[1] == "United States" or s[match.end(1) : match.end(1) + 1] == "-":
            continue  # "United States" and "Mexico-" (as in "Mexico-Canada") are too general
        yield _plain("place", match, 1)


_FINDERS = {
    "phone": _phones, "site": _sites, "email": _emails, "date": _dates, "percent": _percents,
    "number": _numbers, "year": _years, "org": _orgs, "name": _names, "place": _places,
}  # fmt: skip


# --- Normalising and comparing ------------------------------------------------------------------


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _date_key(value: str) -> str:
    match = _DATE.fullmatch(value.strip())
    if not match:
        return _fold(value)
    month = (match["m1"] or match["a1"] or match["m2"] or match["a2"]).lower()
    day = int(match["d1"] or match["d2"])
    return f"date {_MONTHS[month]:02d}-{day:02d}"


def fact_key(fact: Fact) -> str:
    """The normalised value used to tell facts apart ("Sep. 3, 2025" = "September 3")."""
    if fact.kind == "date":
        return _date_key(fact.value)
    if fact.kind in ("number", "percent", "year") and fact.number is not None:
        return f"{fact.kind} {fact.number:g}"
    if fact.kind == "phone":
        return "phone " + re.sub(r"\D", "", fact.value)[-10:]
    return _fold(fact.value)


def _contains(haystack: str, needle: str) -> bool:
    folded = _fold(needle)
    return bool(folded) and f" {folded} " in f" {_fold(haystack)} "


# --- Distractors --------------------------------------------------------------------------------


def _format_number(fact: Fact, number: float) -> str:
    if fact.decimals:
        digits = f"{number:,.{fact.decimals}f}" if fact.grouped else f"{number:.{fact.decimals}f}"
    else:
        digits = f"{round(number):,}" if fact.grouped else f"{round(number)}"
    return digits


def _choice_text(fact: Fact, number: float) -> str:
    return f"{fact.prefix}{_format_number(fact, number)}{fact.suffix}"


def _neighbours(fact: Fact) -> list[float]:
    value = fact.number or 0.0
    if fact.kind == "year":
        return [value + step for step in (-2, 3, -5, 5, -10, 10, 1, -1)]
    if fact.decimals:
        unit = 10.0**-fact.decimals
        resolution = max(unit, 10 ** (len(str(int(value))) - 2) if value >= 10 else unit)
    else:
        resolution = max(1, 10 ** (len(str(int(value))) - 2))
    result = []
    for factor in (0.8, 1.2, 1.5, 0.5, 2.0, 0.6, 1.4, 3.0):
        candidate = round(value * factor / resolution) * resolution
        if fact.kind == "percent" and candidate > 100 >= value:
            continue
        result.append(candidate)
    return result


def _distractors(fact: Fact, pool: dict[str, list[Fact]], prompt: str) -> list[str]:
    """Up to three wrong answers of the fact's kind, none equal to it or shown in the prompt."""
    key = fact_key(fact)
    chosen: list[str] = []
    keys = {key}

    def offer(text: str, candidate_key: str) -> None:
        if len(chosen) < 3 and candidate_key not in keys and not _contains(prompt, text):
            chosen.append(text)
            keys.add(candidate_key)

    same_kind = [f for f in pool.get(fact.kind, []) if fact_key(f) != key]
    if fact.kind in ("number", "percent", "year"):
        same_format = [f for f in same_kind if f.prefix == fact.prefix and f.suffix == fact.suffix]
        for other in sorted(same_format, key=lambda f: abs((f.number or 0) - (fact.number or 0))):
            if other.number and _similar_magnitude(other.number, fact.number or 0):
                offer(_choice_text(fact, other.number), fact_key(other))
        for number in _neighbours(fact):
            if number > 0:
                offer(_choice_text(fact, number), f"{fact.kind} {number:g}")
        return chosen
    if fact.kind == "date":
        for other in same_kind:
            offer(other.value, fact_key(other))
        return chosen
    if fact.kind == "place":
        # Same class first (states for a state), from the article, then well-known ones; other
        # places of the article only as a last resort.
        cls = _PLACE_CLASS.get(fact.value, "")
        for other in same_kind:
            if _PLACE_CLASS.get(other.value) == cls:
                offer(other.value, fact_key(other))
        names = _PLACES.get(cls, "").split("|")
        if fact.value in names:
            index = names.index(fact.value)
            for offset in (1, -1, 2, -2, 3, -3, 4, -4):
                other = names[(index + offset) % len(names)]
                offer(other, _fold(other))
        for other in same_kind:
            offer(other.value, fact_key(other))
        return chosen
    if fact.kind == "name":
        words = len(fact.value.split())
        for other in sorted(same_kind, key=lambda f: len(f.value.split()) != words):
            offer(other.value, fact_key(other))
        return chosen
    if fact.kind == "org":
        for other in same_kind:
            offer(other.value, fact_key(other))
        for other in _KNOWN_ORGS:
            offer(other, _fold(other))
        return chosen
    for other in same_kind:
        offer(other.value, fact_key(other))
    return chosen


def _similar_magnitude(a: float, b: float) -> bool:
    return b > 0 and 0.2 <= a / b <= 5


# --- Prompts ------------------------------------------------------------------------------------

_WHICH = {
    "year": "Which year", "number": "Which number", "percent": "Which percentage",
    "date": "Which date", "name": "Which name", "place": "Which place",
    "org": "Which organization", "site": "Which website", "phone": "Which phone number",
    "email": "Which e-mail address",
}  # fmt: skip
_WHAT = {
    "year": "What year", "number": "What number", "percent": "What percentage",
    "date": "What date", "name": "What name", "place": "What place",
    "org": "What organization", "site": "What website", "phone": "What phone number",
    "email": "What e-mail address",
}  # fmt: skip


def _window(sentence: str, start: int, end: int, replacement: str, budget: int) -> str:
    """`sentence` with [start:end] replaced, cut to `budget` characters around the replacement."""
    before, after = sentence[:start], sentence[end:]
    text = before + replacement + after
    if len(text) <= budget:
        return text
    before_words, after_words = before.split(" "), after.split(" ")
    keep_before, keep_after = [], []
    size = len(replacement) + 2
    while before_words or after_words:
        grew = False
        if after_words and size + len(after_words[0]) + 1 <= budget:
            word = after_words.pop(0)
            keep_after.append(word)
            size += len(word) + 1
            grew = True
        if before_words and size + len(before_words[-1]) + 1 <= budget:
            word = before_words.pop()
            keep_before.insert(0, word)
            size += len(word) + 1
            grew = True
        if not grew:
            break
    head = ("…" if before_words else "") + " ".join(keep_before)
    tail = " ".join(keep_after) + ("…" if after_words else "")
    return head + replacement + tail


def _quoted(sentence: str, fact: Fact, lead: str, blank_whole: bool) -> str:
    start, end = (fact.start, fact.end) if blank_whole else (fact.blank_start, fact.blank_end)
    if blank_whole and fact.kind == "number" and fact.suffix == "" and fact.end > fact.blank_end:
        start, end = fact.start, fact.blank_end  # keep a "-mile" tail in the sentence
    budget = MAX_PROMPT - len(lead) - 3
    return f"{lead} “{_window(sentence, start, end, BLANK, budget)}”"


def _statement(sentence: str, fact: Fact, replacement: str | None) -> str:
    start, end = fact.start, fact.end
    if replacement is None:
        return _window(sentence, start, end, sentence[start:end], MAX_PROMPT)
    if fact.kind == "number" and fact.suffix == "" and fact.end > fact.blank_end:
        end = fact.blank_end
    return _window(sentence, start, end, replacement, MAX_PROMPT)


def _accepted(fact: Fact) -> list[str]:
    value = fact.value
    variants = [value]
    if fact.kind == "name":
        words = value.split()
        if len(words) >= 3:
            variants.append(" ".join(words[-2:]))
        variants.append(words[-1])
    elif fact.kind == "org":
        acronym = "".join(w[0] for w in value.split() if w[0].isupper())
        if len(acronym) >= 3:
            variants.append(acronym)
        variants.append(f"the {value}")
    elif fact.kind == "date":
        match = _DATE.fullmatch(value)
        if match:
            month = (match["m1"] or match["a1"] or match["m2"] or match["a2"]).lower()
            full = _MONTH_LIST[_MONTHS[month] - 1]
            day = int(match["d1"] or match["d2"])
            year = match["y1"] or match["y2"]
            variants += [f"{full} {day}", f"{full[:3]} {day}", f"{day} {full}"]
            if year:
                variants += [f"{full} {day}, {year}", f"{day} {full} {year}"]
    elif fact.kind == "site":
        variants += [value.lower(), f"https://{value.lower()}", f"www.{value.lower()}"]
    elif fact.kind == "phone":
        digits = re.sub(r"\D", "", value)[-10:]
        variants += [digits, f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"]
        variants.append(f"({digits[:3]}) {digits[3:6]}-{digits[6:]}")
    folded = [
        "".join(c for c in unicodedata.normalize("NFKD", v) if not unicodedata.combining(c))
        for v in variants
    ]
    unique: dict[str, str] = {}
    for variant in [*variants, *folded]:
        unique.setdefault(" ".join(variant.split()).casefold(), variant)
    return list(unique.values())


# --- Building questions -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    fact: Fact
    sentence: str
    heading: str
    anchor: str
    position: int | None
    order: int


def _explanation(heading: str, sentence: str) -> str:
    return f"From the article, section “{heading}”: “{sentence}”"


def _sort_choices(fact: Fact, texts: list[str]) -> list[str]:
    if fact.kind in ("number", "percent", "year"):
        return sorted(texts, key=lambda t: float(re.sub(r"[^\d.]", "", t) or 0))
    return sorted(texts, key=str.casefold)


def _multiple_choice(c: _Candidate, pool: dict[str, list[Fact]]) -> GiftQuestion | None:
    lead = f"{_WHICH[c.fact.kind]} completes this sentence from the article?"
    prompt = _quoted(c.sentence, c.fact, lead, blank_whole=True)
    wrong = _distractors(c.fact, pool, prompt)
    if len(wrong) < 3:
        return None
    right = c.fact.value
    choices = tuple(
        GiftChoice(text=text, fraction=1.0 if text == right else 0.0)
        for text in _sort_choices(c.fact, [right, *wrong])
    )
    return GiftQuestion(
        type=Question.Type.SINGLE,
        prompt=prompt,
        category=c.anchor,
        explanation=_explanation(c.heading, c.sentence),
        choices=choices,
    )


def _fill_in(c: _Candidate) -> GiftQuestion:
    numeric = c.fact.kind in ("number", "percent", "year") and c.fact.number is not None
    lead = f"{_WHAT[c.fact.kind]} fills the blank in this sentence from the article?"
    prompt = _quoted(c.sentence, c.fact, lead, blank_whole=not numeric)
    if numeric:
        return GiftQuestion(
            type=Question.Type.NUMERIC,
            prompt=prompt,
            category=c.anchor,
            explanation=_explanation(c.heading, c.sentence),
            numeric=(GiftNumeric(value=c.fact.number, tolerance=0.0),),
        )
    return GiftQuestion(
        type=Question.Type.SHORT,
        prompt=prompt,
        category=c.anchor,
        explanation=_explanation(c.heading, c.sentence),
        # A variant the sentence itself shows (an acronym in brackets) would give it away.
        accepted=tuple(
            GiftChoice(text=a, fraction=1.0)
            for a in _accepted(c.fact)
            if a == c.fact.value or not _contains(prompt, a)
        ),
    )


def _true_false(c: _Candidate, pool: dict[str, list[Fact]], want_false: bool) -> GiftQuestion:
    if want_false:
        wrong = _distractors(c.fact, pool, c.sentence)
        if wrong:
            return GiftQuestion(
                type=Question.Type.TRUE_FALSE,
                prompt=_statement(c.sentence, c.fact, wrong[0]),
                category=c.anchor,
                explanation=_explanation(c.heading, c.sentence),
                truth=False,
            )
    return GiftQuestion(
        type=Question.Type.TRUE_FALSE,
        prompt=_statement(c.sentence, c.fact, None),
        category=c.anchor,
        explanation=_explanation(c.heading, c.sentence),
        truth=True,
    )


def _candidates(article: ArticleDraft) -> tuple[list[list[_Candidate]], list[Fact]]:
    """Facts per source (each section, then the action list) and every fact of the article."""
    groups: list[list[_Candidate]] = []
    everything: list[Fact] = []
    order = 0
    sources = [
        (s.heading, s.anchor, [(p.text, p.position) for p in s.paragraphs])
        for s in article.sections
    ]
    if article.actions:
        sources.append((ACTIONS_HEADING, ACTIONS_ANCHOR, [(a.text, None) for a in article.actions]))
    for heading, anchor, texts in sources:
        group = []
        for text, position in texts:
            for sentence in split_sentences(text):
                if len(sentence) > MAX_SENTENCE:
                    continue  # no question quotes it, and reading its facts would cost the most
                facts = find_facts(sentence)
                everything.extend(facts)
                for fact in facts:
                    group.append(_Candidate(fact, sentence, heading, anchor, position, order))
                    order += 1
        groups.append(group)
    for extra in (article.standfirst, article.editor_note, article.author_bio):
        for sentence in split_sentences(extra):
            if len(sentence) <= MAX_SENTENCE:
                everything.extend(find_facts(sentence))
    return groups, everything


def _usable(c: _Candidate) -> bool:
    fact = c.fact
    if fact.kind == "place" and fact.value in ("United States",):
        return False
    # A fact written twice in its sentence would give itself away.
    rest = c.sentence[: fact.start] + " " + c.sentence[fact.end :]
    return not _contains(rest, fact.value) and not (
        fact.kind == "name" and _contains(rest, fact.value.split()[-1])
    )


def draft_questions(article: ArticleDraft, *, max_drafts: int = 20) -> list[Draft]:
    """Draft up to `max_drafts` questions from `article` (see the module docstring).

    Deterministic: the same article always gives the same drafts in the same order (article
    order). Every draft passes `validate_question`; drafts that would not are dropped.
    """
    groups, everything = _candidates(article)
    pool: dict[str, list[Fact]] = {}
    seen_in_pool: set[str] = set()
    for fact in everything:
        if fact_key(fact) not in seen_in_pool:
            seen_in_pool.add(fact_key(fact))
            pool.setdefault(fact.kind, []).append(fact)

    ranked = [
        sorted((c for c in group if _usable(c)), key=lambda c: (_PREFERENCE[c.fact.kind], c.order))
        for group in groups
    ]
    section_count = len(article.sections)
    chosen: list[_Candidate] = []
    used_keys: set[str] = set()
    used_sentences: dict[str, int] = {}
    # Sections first, one sentence one draft; then a sentence may give a second fact (never a
    # third); the action list only fills what the sections leave.
    for groups_of_pass, reuse in (
        (ranked[:section_count], False),
        (ranked[:section_count], True),
        (ranked[section_count:], False),
        (ranked[section_count:], True),
    ):
        queues = [list(group) for group in groups_of_pass]
        while len(chosen) < max_drafts and any(queues):
            for queue in queues:
                while queue and len(chosen) < max_drafts:
                    candidate = queue.pop(0)
                    key = fact_key(candidate.fact)
                    uses = used_sentences.get(candidate.sentence, 0)
                    if key in used_keys or uses >= (2 if reuse else 1):
                        continue
                    chosen.append(candidate)
                    used_keys.add(key)
                    used_sentences[candidate.sentence] = uses + 1
                    break

    chosen.sort(key=lambda c: c.order)
    drafts: list[Draft] = []
    true_false_count = 0
    for index, candidate in enumerate(chosen):
        question = _question(candidate, pool, index, true_false_count)
        if question.type == Question.Type.TRUE_FALSE:
            true_false_count += 1
        if validate_question(question):
            continue
        drafts.append(
            Draft(
                question=question,
                sentence=candidate.sentence,
                section_anchor=candidate.anchor,
                paragraph_position=candidate.position,
                fact=candidate.fact.value,
                fact_kind=candidate.fact.kind,
                section_heading=candidate.heading,
            )
        )
    return drafts


def _question(
    c: _Candidate, pool: dict[str, list[Fact]], index: int, true_false_count: int
) -> GiftQuestion:
    turn = index % 3
    if turn == 0:
        question = _multiple_choice(c, pool)
        if question is not None:
            return question
        return _fill_in(c)
    if turn == 1:
        return _fill_in(c)
    if c.anchor == ACTIONS_ANCHOR:
        return _fill_in(c)  # a true/false twin of an instruction reads oddly
    return _true_false(c, pool, want_false=true_false_count % 2 == 1)
