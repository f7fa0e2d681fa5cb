"""Read and write Moodle's GIFT question format (https://docs.moodle.org/en/GIFT_format).

Plain values in and out: `parse(text)` gives a `GiftResult` of frozen `GiftQuestion`s plus the
items it skipped; `write(questions)` gives GIFT text. No ORM, no files.

Supported question types: single choice, multiple response, true/false, short answer, numeric and
matching. Essays (`{}`) and descriptions (no braces at all) are reported in `GiftResult.skipped`
with their title and line, not raised, and so are two Moodle features we do not model: the
numeric catch-all answer (`~#feedback` inside `{#...}`) and matching distractors (a pair with
nothing before `->`). Anything malformed raises `GiftSyntaxError`, whose message names the line.

How the text is read (following Moodle's own importer, `qformat_gift`):

- Questions are separated by one or more blank lines and may span lines. A line whose first
  non-blank characters are `//` is a comment; `//` elsewhere (a URL) is text.
- `$CATEGORY: path` sets the category of the questions that follow. A leading context
  (`$course$/`, `$module$/`, `$system$/`, `$coursecategory$/`) and `top/` are dropped, so
  `$CATEGORY: $course$/top/migration` gives `"migration"`.
- `::title::` names a question; `[markdown]`, `[html]`, `[plain]` or `[moodle]` before the prompt
  sets its format. No marker and `[moodle]` (Moodle's auto-format) both read as `"markdown"`.
- The answers sit in one `{...}` block. When text follows the block, the prompt is the whole text
  with `_____` where the block was (Moodle's "missing word" layout).
- The block's type, in Moodle's order: starts with `#` -> numeric; contains `~` -> choice;
  contains `=` and `->` -> matching; `T`, `TRUE`, `F` or `FALSE` (case-sensitive) -> true/false;
  anything else -> short answer (a bare `{Paris}` is a short answer worth 100%, as in Moodle).
- A choice list with a `=` answer is single choice. A list of `~` answers only is single choice
  when exactly one answer is `~%100%` and all others weigh 0, else multiple response, whose
  positive weights must add up to 100% (within 0.0001 percentage points, so 3 x 33.33333% is
  fine). `=` is worth 100%, `~` 0%, and `%w%` after either sets the weight (-100..100).
- `#` starts an answer's feedback, `####` the question's general feedback (`explanation`).
  True/false reads `{T#feedback when wrong#feedback when right}`.
- Numeric answers: `{#2026}`, `{#2000:100}` (value:tolerance), `{#120..140}` (inclusive range)
  or several weighted answers `{# =2000:0 =%50%2000:100}`.
- Matching: `{=Canada -> Ottawa =Italy -> Rome}`, at least two pairs.
- `\\~ \\= \\# \\{ \\} \\:` are literal characters, `\\n` is a newline and `\\\\` a backslash.
- Every text field is stripped of surrounding whitespace; inner whitespace and newlines are kept.

Writing always emits the format marker, a `$CATEGORY:` line when the category changes, escapes
the special characters and writes newlines as `\\n`, so `parse(write(qs)).questions == qs` for
every question `parse` accepts, with these limits of GIFT itself (`write` raises ValueError for
the first three):

- A short answer or its feedback cannot contain `->` (it would read back as matching), nor can
  the left side of a matching pair (the first `->` splits the pair).
- A category cannot contain a newline.
- Fractions keep at most 5 decimals in percent (7 as a fraction).
- A multiple-response question with one 100% answer and every other at 0% reads back as single
  choice: GIFT has no way to tell them apart.
- Text fields are stripped, and a carriage return becomes a newline.
- `line` is not part of question equality.
"""

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from quizzes.registry import question_type

QUESTION_TYPES = ("single", "multiple", "true_false", "short", "numeric", "matching")
PROMPT_FORMATS = ("markdown", "html", "plain")
BLANK = "_____"
"""Stands in for the answer block when the prompt goes on after it."""

_WEIGHT_SUM_TOLERANCE = 1e-6
_ESCAPABLE = "\\~=#{}:n"
# Escaped characters are held as Unicode noncharacters while the structure is read, the way
# Moodle holds them as "&&126;"; noncharacters never occur in interchanged text.
_HOLD = {char: chr(0xFDD0 + index) for index, char in enumerate(_ESCAPABLE)}
_RELEASE = str.maketrans({held: ("\n" if char == "n" else char) for char, held in _HOLD.items()})
_ESCAPE = re.compile(r"\\([\\~=#{}:n])")
_RESERVED = re.compile("[\ufdd0-\ufdef]")
_FORMAT = re.compile(r"\[(markdown|html|plain|moodle)\]")
_WEIGHT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_CONTEXT = re.compile(r"^\$(?:course|module|system|coursecategory)\$(?:/|$)")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


@dataclass(frozen=True)
class GiftChoice:
    """An answer of a choice or short-answer question, its weight in [-1, 1] and its feedback."""

    text: str
    fraction: float
    feedback: str = ""


@dataclass(frozen=True)
class GiftNumeric:
    """A numeric answer: `value +/- tolerance`, or the inclusive range `low..high`."""

    value: float | None = None
    tolerance: float = 0.0
    low: float | None = None
    high: float | None = None
    fraction: float = 1.0
    feedback: str = ""


@dataclass(frozen=True)
class GiftQuestion:
    """One question read from or written to GIFT.

    `type` is one of `QUESTION_TYPES`; only the fields of that type are filled:
    `choices` (single, multiple), `truth` with `feedback_wrong`/`feedback_right` (true_false),
    `accepted` (short), `numeric` (numeric), `pairs` of (left, right) texts (matching).
    `prompt_format` is one of `PROMPT_FORMATS`; `explanation` is the general feedback.
    `line` is the 1-based line where the question starts and is left out of equality.
    """

    type: str
    prompt: str
    title: str = ""
    category: str = ""
    prompt_format: str = "markdown"
    explanation: str = ""
    choices: tuple[GiftChoice, ...] = ()
    truth: bool | None = None
    feedback_wrong: str = ""
    feedback_right: str = ""
    accepted: tuple[GiftChoice, ...] = ()
    numeric: tuple[GiftNumeric, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Skipped:
    """An item `parse` read but does not import (essay, description, unsupported feature)."""

    title: str
    line: int
    reason: str


@dataclass(frozen=True)
class GiftResult:
    """What `parse` found: the questions in file order and the items it skipped."""

    questions: tuple[GiftQuestion, ...] = ()
    skipped: tuple[Skipped, ...] = ()


class GiftSyntaxError(ValueError):
    """Malformed GIFT; `line` is the 1-based line of the problem and is part of `str()`."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.message = message
        self.line = line


class _Unsupported(Exception):
    """Valid GIFT that we skip; carries the reason."""


# Reading ---------------------------------------------------------------------------------------


def parse(text: str) -> GiftResult:
    """Parse GIFT `text` into questions, skipping essays, descriptions and unsupported features.

    Raises GiftSyntaxError, naming the line, for anything malformed: an unclosed or stray brace,
    an empty answer list before more text, a matching pair without `->`, a weight or numeric
    answer that is not a number, and the like (see the module docstring).
    """
    questions: list[GiftQuestion] = []
    skipped: list[Skipped] = []
    category = ""
    for start, lines in _blocks(text):
        first = lines[0].strip()
        if first.startswith("$CATEGORY:"):
            category = _category(first.removeprefix("$CATEGORY:"))
            lines, start = lines[1:], start + 1
            if not any(line.strip() for line in lines):
                continue
        raw = "\n".join(lines)
        if reserved := _RESERVED.search(raw):
            line = start + raw.count("\n", 0, reserved.start())
            raise GiftSyntaxError(f"reserved character U+{ord(reserved.group()):04X}", line)
        item = _read_question(_ESCAPE.sub(lambda m: _HOLD[m.group(1)], raw), start, category)
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            questions.append(item)
    return GiftResult(questions=tuple(questions), skipped=tuple(skipped))


def _blocks(text: str) -> Iterable[tuple[int, list[str]]]:
    """Yield (first line number, lines) per blank-line separated block; comments become ""."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            if current:
                yield start, current
                current = []
        elif stripped.startswith("//"):
            if current:
                current.append("")  # keeps the line numbers of what follows
        else:
            if not current:
                start = number
            current.append(line)
    if current:
        yield start, current


def _category(path: str) -> str:
    path = _CONTEXT.sub("", path.strip()).strip()
    if path == "top":
        return ""
    return path.removeprefix("top/").strip()


def _text(held: str) -> str:
    """Release held escapes and strip: the final value of a text field."""
    return held.translate(_RELEASE).strip()


def _read_question(t: str, start: int, category: str) -> GiftQuestion | Skipped:
    def line_at(pos: int) -> int:
        return start + t.count("\n", 0, pos)

    pos = len(t) - len(t.lstrip())
    line = line_at(pos)
    title = ""
    if t.startswith("::", pos):
        end = t.find("::", pos + 2)
        if end == -1:
            raise GiftSyntaxError("the title has no closing '::'", line)
        title = _text(t[pos + 2 : end])
        pos = end + 2

    opening, closing = t.find("{", pos), t.find("}", pos)
    if opening == -1 and closing == -1:
        return Skipped(title, line, "description (no answer block) is not supported")
    if closing != -1 and (opening == -1 or closing < opening):
        raise GiftSyntaxError(
            "'}' without an opening '{' (write a literal brace as \\})", line_at(closing)
        )
    if closing == -1:
        raise GiftSyntaxError("'{' is never closed", line_at(opening))
    stray = t.find("{", opening + 1)
    if stray == -1:
        stray = t.find("}", closing + 1)
    if stray != -1:
        raise GiftSyntaxError(
            f"unexpected '{t[stray]}': a question has one answer block; "
            f"write a literal brace as \\{t[stray]}",
            line_at(stray),
        )

    before, inside, after = t[pos:opening], t[opening + 1 : closing], t[closing + 1 :]
    prompt_format = "markdown"
    before = before.lstrip()
    if marker := _FORMAT.match(before):
        prompt_format = "markdown" if marker.group(1) == "moodle" else marker.group(1)
        before = before[marker.end() :]
    prompt = _text(before + (BLANK + after if after.strip() else ""))

    answers, explanation = inside, ""
    if (separator := inside.rfind("####")) != -1:
        answers, explanation = inside[:separator], _text(inside[separator + 4 :])
    if not answers.strip():
        if after.strip():
            raise GiftSyntaxError(
                "empty answer list '{}' in the middle of the text", line_at(opening)
            )
        return Skipped(title, line, "essay (empty answer list) is not supported")
    if not prompt:
        raise GiftSyntaxError("the question has no text", line)

    offset = opening + 1
    try:
        fields = _read_answers(answers, offset, line_at)
    except _Unsupported as exc:
        return Skipped(title, line, str(exc))
    return GiftQuestion(
        prompt=prompt,
        title=title,
        category=category,
        prompt_format=prompt_format,
        explanation=explanation,
        line=line,
        **fields,
    )


_LineAt = Callable[[int], int]


def _read_answers(answers: str, offset: int, line_at: _LineAt) -> dict:
    if answers.lstrip().startswith("#"):
        return _read_numeric(answers, offset, line_at)
    if "~" in answers:
        return _read_choices(answers, offset, line_at)
    if "=" in answers and "->" in answers:
        return _read_matching(answers, offset, line_at)
    word = answers.split("#", 1)[0].strip()
    if word in _TRUE_FALSE:
        parts = [*answers.split("#", 2), "", ""]
        return {
            "type": "true_false",
            "truth": _TRUE_FALSE[word],
            "feedback_wrong": _text(parts[1]),
            "feedback_right": _text(parts[2]),
        }
    return _read_short(answers, offset, line_at)


def _split(text: str, markers: str, offset: int) -> tuple[str, list[tuple[str, str, int]]]:
    """Split before each marker: (text before the first, [(marker, body, absolute position)])."""
    cuts = [index for index, char in enumerate(text) if char in markers]
    if not cuts:
        return text, []
    ends = [*cuts[1:], len(text)]
    pieces = [
        (text[cut], text[cut + 1 : end], offset + cut) for cut, end in zip(cuts, ends, strict=True)
    ]
    return text[: cuts[0]], pieces


def _weight(body: str, pos: int, line_at: _LineAt) -> tuple[float | None, str]:
    """Read a leading `%weight%`: (fraction or None, the rest of the body)."""
    stripped = body.lstrip()
    end = stripped.find("%", 1)
    if not stripped.startswith("%") or end == -1:
        return None, body
    raw = stripped[1:end].strip()
    if not _WEIGHT.fullmatch(raw):
        raise GiftSyntaxError(f"answer weight '%{_text(raw)}%' is not a number", line_at(pos))
    percent = Decimal(raw)
    if abs(percent) > 100:
        raise GiftSyntaxError(f"answer weight {raw}% is outside -100%..100%", line_at(pos))
    return float(percent / 100), stripped[end + 1 :]


def _with_feedback(body: str) -> tuple[str, str]:
    text, _, feedback = body.partition("#")
    return _text(text), _text(feedback)


def _leading_answer(lead: str, offset: int) -> list[tuple[str, str, int]]:
    """Moodle reads text before the first '=' as one more answer (`{Paris}`)."""
    return [("=", lead, offset)] if lead.strip() else []


def _read_choices(answers: str, offset: int, line_at: _LineAt) -> dict:
    lead, pieces = _split(answers, "~=", offset)
    if lead.strip():
        raise GiftSyntaxError("answer text before the first '~' or '='", line_at(offset))
    choices = []
    for marker, body, pos in pieces:
        weight, rest = _weight(body, pos, line_at)
        text, feedback = _with_feedback(rest)
        if not text:
            raise GiftSyntaxError(f"empty answer after '{marker}'", line_at(pos))
        if weight is None:
            weight = 1.0 if marker == "=" else 0.0
        choices.append(GiftChoice(text=text, fraction=weight, feedback=feedback))
    if len(choices) < 2:
        raise GiftSyntaxError("a choice question needs at least two answers", line_at(offset))

    fractions = [choice.fraction for choice in choices]
    only_one_right = fractions.count(1.0) == 1 and all(f in (0.0, 1.0) for f in fractions)
    if any(marker == "=" for marker, _, _ in pieces) or only_one_right:
        if 1.0 not in fractions:
            raise GiftSyntaxError("no answer is worth 100%", line_at(offset))
        return {"type": "single", "choices": tuple(choices)}
    total = math.fsum(f for f in fractions if f > 0)
    if abs(total - 1.0) > _WEIGHT_SUM_TOLERANCE:
        raise GiftSyntaxError(
            f"the positive weights of a multiple-response question add up to "
            f"{_percent(total)}%, not 100%",
            line_at(offset),
        )
    return {"type": "multiple", "choices": tuple(choices)}


def _read_short(answers: str, offset: int, line_at: _LineAt) -> dict:
    if "->" in answers:
        raise GiftSyntaxError(
            "'->' outside a matching pair (each pair starts with '=')", line_at(offset)
        )
    lead, pieces = _split(answers, "=", offset)
    accepted = []
    for _, body, pos in _leading_answer(lead, offset) + pieces:
        weight, rest = _weight(body, pos, line_at)
        text, feedback = _with_feedback(rest)
        if not text:
            raise GiftSyntaxError("empty answer after '='", line_at(pos))
        accepted.append(
            GiftChoice(text=text, fraction=1.0 if weight is None else weight, feedback=feedback)
        )
    if not any(answer.fraction == 1.0 for answer in accepted):
        raise GiftSyntaxError("no answer is worth 100%", line_at(offset))
    return {"type": "short", "accepted": tuple(accepted)}


def _number(held: str, pos: int, line_at: _LineAt) -> float:
    candidate = held.strip()
    number = float(candidate) if _NUMBER.fullmatch(candidate) else math.nan
    if not math.isfinite(number):
        raise GiftSyntaxError(f"numeric answer '{_text(held)}' is not a number", line_at(pos))
    return number


def _read_numeric(answers: str, offset: int, line_at: _LineAt) -> dict:
    hash_at = offset + answers.index("#")
    body = answers[answers.index("#") + 1 :]
    if "~" in body:
        raise _Unsupported("numeric catch-all answer ('~') is not supported")
    lead, pieces = _split(body, "=", hash_at + 1)
    numeric = []
    for _, piece, pos in _leading_answer(lead, hash_at + 1) + pieces:
        weight, rest = _weight(piece, pos, line_at)
        spec, _, feedback = rest.partition("#")
        spec = spec.strip()
        if not spec:
            raise GiftSyntaxError("empty numeric answer", line_at(pos))
        options = {"fraction": 1.0 if weight is None else weight, "feedback": _text(feedback)}
        if (cut := spec.find("..")) > 0:
            low, high = _number(spec[:cut], pos, line_at), _number(spec[cut + 2 :], pos, line_at)
            if low > high:
                raise GiftSyntaxError(f"numeric range {_text(spec)} runs backwards", line_at(pos))
            numeric.append(GiftNumeric(low=low, high=high, **options))
        elif (cut := spec.find(":")) > 0:
            value, tolerance = (
                _number(spec[:cut], pos, line_at),
                _number(spec[cut + 1 :], pos, line_at),
            )
            if tolerance < 0:
                raise GiftSyntaxError(
                    f"numeric tolerance in {_text(spec)} is negative", line_at(pos)
                )
            numeric.append(GiftNumeric(value=value, tolerance=tolerance, **options))
        else:
            numeric.append(GiftNumeric(value=_number(spec, pos, line_at), **options))
    if not numeric:
        raise GiftSyntaxError("the numeric question has no answers", line_at(hash_at))
    if not any(answer.fraction == 1.0 for answer in numeric):
        raise GiftSyntaxError("no answer is worth 100%", line_at(hash_at))
    return {"type": "numeric", "numeric": tuple(numeric)}


def _read_matching(answers: str, offset: int, line_at: _LineAt) -> dict:
    lead, pieces = _split(answers, "=", offset)
    if lead.strip():
        raise GiftSyntaxError("answer text before the first '='", line_at(offset))
    pairs = []
    for _, body, pos in pieces:
        arrow = body.find("->")
        if arrow == -1:
            raise GiftSyntaxError(f"matching pair '{_text(body)}' has no '->'", line_at(pos))
        if "#" in body:
            raise GiftSyntaxError(
                "matching pairs take no feedback (write a literal # as \\#)", line_at(pos)
            )
        left, right = _text(body[:arrow]), _text(body[arrow + 2 :])
        if not right:
            raise GiftSyntaxError("matching pair has nothing after '->'", line_at(pos))
        if not left:
            raise _Unsupported("matching distractors (nothing before '->') are not supported")
        pairs.append((left, right))
    if len(pairs) < 2:
        raise GiftSyntaxError("a matching question needs at least two pairs", line_at(offset))
    return {"type": "matching", "pairs": tuple(pairs)}


# Writing ---------------------------------------------------------------------------------------


def write(questions: Iterable[GiftQuestion]) -> str:
    """Write `questions` as GIFT text that `parse` reads back to equal questions.

    Raises ValueError for what GIFT cannot express (see the module docstring): an unknown type or
    format, `->` in a short answer or a matching left side, a newline in a category, a numeric
    answer without exactly one of value or range.
    """
    blocks = []
    category = ""
    for question in questions:
        _check_writable(question)
        if question.category != category:
            category = question.category
            blocks.append(
                f"$CATEGORY: $course$/top/{category}" if category else "$CATEGORY: $course$/top"
            )
        blocks.append(_write_question(question))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _check_writable(question: GiftQuestion) -> None:
    if question.type not in QUESTION_TYPES:
        raise ValueError(f"unknown question type {question.type!r}")
    if question.prompt_format not in PROMPT_FORMATS:
        raise ValueError(f"unknown prompt format {question.prompt_format!r}")
    if "\n" in question.category or "\r" in question.category:
        raise ValueError("a GIFT category cannot contain a newline")
    question_type(question.type).check_writable(question)


def check_short_writable(question: GiftQuestion) -> None:
    for answer in question.accepted:
        if "->" in answer.text or "->" in answer.feedback:
            raise ValueError("a GIFT short answer cannot contain '->' (it reads as matching)")


def check_matching_writable(question: GiftQuestion) -> None:
    for left, _ in question.pairs:
        if "->" in left:
            raise ValueError("the left side of a GIFT matching pair cannot contain '->'")


def check_numeric_writable(question: GiftQuestion) -> None:
    for answer in question.numeric:
        if (answer.value is None) == (answer.low is None or answer.high is None):
            raise ValueError("a numeric answer needs either a value or both low and high")


def _escape(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _percent(fraction: float) -> str:
    """Format a fraction as a percentage with up to 5 decimals: 0.3333333 -> '33.33333'."""
    percent = (Decimal(repr(float(fraction))) * 100).quantize(Decimal("0.00001"))
    if percent == 0:
        return "0"
    return format(percent, "f").rstrip("0").rstrip(".")


def _number_text(number: float) -> str:
    number = float(number)  # an int is welcome too
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def _choice_marker(choice: GiftChoice, single: bool) -> str:
    weight = f"%{_percent(choice.fraction)}%"
    if choice.fraction == 1.0 and single:
        return "=" + (weight if choice.text.startswith("%") else "")
    if choice.fraction == 0.0 and not choice.text.startswith("%"):
        return "~"
    return "~" + weight


def _with_feedback_text(text: str, feedback: str) -> str:
    return _escape(text) + (f"#{_escape(feedback)}" if feedback else "")


def _write_question(question: GiftQuestion) -> str:
    head = f"::{_escape(question.title)}::" if question.title else ""
    head += f"[{question.prompt_format}]{_escape(question.prompt)}"
    explanation = f"####{_escape(question.explanation)}" if question.explanation else ""
    return question_type(question.type).write_gift(question, head, explanation)


def _block(first: str, lines: list[str], explanation: str) -> str:
    """An answer block: ``first`` opens it, one answer a line, the general feedback last."""
    if explanation:
        lines = [*lines, explanation]
    return "\n".join([first, *(f"\t{line}" for line in lines), "}"])


# The writers of each type, after the question's head (its title and prompt) -------------------


def write_true_false(question: GiftQuestion, head: str, explanation: str) -> str:
    body = "TRUE" if question.truth else "FALSE"
    if question.feedback_wrong or question.feedback_right:
        body += f"#{_escape(question.feedback_wrong)}"
    if question.feedback_right:
        body += f"#{_escape(question.feedback_right)}"
    return f"{head}{{{body}{explanation}}}"


def _choice_lines(question: GiftQuestion, single: bool) -> list[str]:
    return [
        _choice_marker(choice, single) + _with_feedback_text(choice.text, choice.feedback)
        for choice in question.choices
    ]


def write_single(question: GiftQuestion, head: str, explanation: str) -> str:
    return _block(head + "{", _choice_lines(question, single=True), explanation)


def write_multiple(question: GiftQuestion, head: str, explanation: str) -> str:
    return _block(head + "{", _choice_lines(question, single=False), explanation)


def write_short(question: GiftQuestion, head: str, explanation: str) -> str:
    lines = []
    for answer in question.accepted:
        explicit = answer.fraction != 1.0 or answer.text.startswith("%")
        weight = f"%{_percent(answer.fraction)}%" if explicit else ""
        lines.append(f"={weight}" + _with_feedback_text(answer.text, answer.feedback))
    return _block(head + "{", lines, explanation)


def write_numeric(question: GiftQuestion, head: str, explanation: str) -> str:
    lines = []
    for answer in question.numeric:
        if answer.value is not None:
            spec = _number_text(answer.value)
            if answer.tolerance:
                spec += f":{_number_text(answer.tolerance)}"
        else:
            spec = f"{_number_text(answer.low)}..{_number_text(answer.high)}"
        weight = f"%{_percent(answer.fraction)}%" if answer.fraction != 1.0 else ""
        feedback = f"#{_escape(answer.feedback)}" if answer.feedback else ""
        lines.append(f"={weight}{spec}{feedback}")
    return _block(head + "{#", lines, explanation)


def write_matching(question: GiftQuestion, head: str, explanation: str) -> str:
    lines = [f"={_escape(left)} -> {_escape(right)}" for left, right in question.pairs]
    return _block(head + "{", lines, explanation)
