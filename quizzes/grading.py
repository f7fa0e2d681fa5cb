"""Grade one answer to one question: plain values in, an `Outcome` out.

No ORM and no request: callers pass the answer key as frozen dataclasses and the learner's
answer as plain values. Every grader returns `Outcome(fraction, correct)` where `fraction` is
always within [0, 1] (NaN counts as 0) and `correct` means full marks (`fraction == 1.0`). A
fraction within `FULL_MARKS_EPSILON` of 1 is snapped to exactly 1, so weights written with five
decimals in percent (3 x 33.33333%) still reach full marks.

Partial-credit rules, per question type:

- Single choice (`grade_single`): the fraction of the chosen choice, clamped to [0, 1]. No answer
  or an id that is not one of the choices scores 0. Negative weights never go below 0.
- Multiple response (`grade_multiple`) has two modes, picked from the key:
  - Weighted, when any choice carries a weight other than 0 or 1 (GIFT `~%50%`, `~%-100%`): the
    sum of the weights of the ticked choices, clamped to [0, 1]. Ticking every choice therefore
    scores the sum of all weights, which for a well-formed key (positives add up to 1, wrong
    choices negative) is at most 0.
  - Flags, when every weight is 0 or 1 (the educator only marked choices right or wrong):
    (right picks - wrong picks) / number of right choices, floored at 0. Ticking every choice
    scores (R - W) / R. A key with no right choice scores 0 whatever is ticked.
  In both modes an id that is not one of the choices is a wrong pick (it cannot be right): it
  counts in W with flags and carries weight 0 with weights, like an unweighted wrong choice.
  Ticking nothing scores 0; ticking an id twice counts once.
- True/false (`grade_true_false`): 1 when the answer equals the truth, else 0 (None is 0).
- Short answer (`grade_short`): the best fraction among accepted answers equal to the given text
  after `normalize_text` (case, accents, runs of whitespace and leading/trailing punctuation do
  not matter; no wildcards). An empty answer scores 0.
- Numeric (`grade_numeric`): the given text is read with `parse_number` (plain decimals with
  optional thousands commas); the best fraction among the answers it falls within, where an
  answer is either `value +/- tolerance` or the inclusive range `low..high`. Bounds are inclusive
  with a tiny relative epsilon, so 0.4 is within 0.3 +/- 0.1. Unreadable input scores 0.
- Matching (`grade_matching`): each pair is worth an equal share, 1 / number of pairs. A pair
  earns its share when the text given for its id equals its right side after `normalize_text`;
  a missing or wrong match earns nothing and is not penalized further. Keys that are not pair
  ids are ignored. Correct only when every pair is matched.
"""

import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

FULL_MARKS_EPSILON = 1e-6
"""A fraction at least 1 - FULL_MARKS_EPSILON counts as full marks."""

_NUMERIC_EPSILON = 1e-9
"""Relative slack on numeric bounds, so float noise never fails a boundary answer."""

_NUMBER = re.compile(r"[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)")


@dataclass(frozen=True)
class Outcome:
    """The grade of one answer: `fraction` of the marks in [0, 1]; `correct` is full marks."""

    fraction: float
    correct: bool


@dataclass(frozen=True)
class ChoiceKey:
    """One choice of a single- or multiple-choice question and its weight in [-1, 1]."""

    id: int
    fraction: float


@dataclass(frozen=True)
class AcceptedAnswer:
    """An accepted short answer and the fraction of the marks it earns."""

    text: str
    fraction: float = 1.0


@dataclass(frozen=True)
class NumericAnswer:
    """An accepted numeric answer: `value +/- tolerance`, or the inclusive range `low..high`.

    When `value` is set the range is ignored; an answer with neither a value nor both bounds
    matches nothing.
    """

    value: float | None = None
    tolerance: float = 0.0
    low: float | None = None
    high: float | None = None
    fraction: float = 1.0


@dataclass(frozen=True)
class MatchPair:
    """One pair of a matching question: the learner must match `left` with `right`."""

    id: int
    left: str
    right: str


def _outcome(fraction: float) -> Outcome:
    if math.isnan(fraction):
        fraction = 0.0
    fraction = min(max(fraction, 0.0), 1.0)
    if fraction >= 1.0 - FULL_MARKS_EPSILON:
        fraction = 1.0
    return Outcome(fraction=fraction, correct=fraction == 1.0)


def grade_single(choices: Sequence[ChoiceKey], given: int | None) -> Outcome:
    """Grade a single-choice answer: the chosen choice's fraction, clamped to [0, 1].

    `given` is the id of the chosen choice; None or an id not among `choices` scores 0.
    """
    for choice in choices:
        if choice.id == given:
            return _outcome(choice.fraction)
    return _outcome(0.0)


def grade_multiple(choices: Sequence[ChoiceKey], given: Collection[int]) -> Outcome:
    """Grade a multiple-response answer, `given` being the ids of the ticked choices.

    With GIFT weights (any weight other than 0 or 1) the ticked weights are summed and clamped;
    with right/wrong flags the score is (right picks - wrong picks) / right choices, floored at
    0. Unknown ids are wrong picks. See the module docstring for the full rules.
    """
    ticked = set(given)
    if not ticked:
        return _outcome(0.0)
    weights = {choice.id: choice.fraction for choice in choices}
    if any(weight not in (0.0, 1.0) for weight in weights.values()):
        return _outcome(sum(weights.get(choice_id, 0.0) for choice_id in ticked))
    right = {choice_id for choice_id, weight in weights.items() if weight == 1.0}
    if not right:
        return _outcome(0.0)
    right_picks = len(ticked & right)
    wrong_picks = len(ticked - right)
    return _outcome(max(right_picks - wrong_picks, 0) / len(right))


def grade_true_false(truth: bool, given: bool | None) -> Outcome:
    """Grade a true/false answer: full marks when `given` equals `truth`; None scores 0."""
    return _outcome(1.0 if given is not None and given == truth else 0.0)


def _drop_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _is_edge_junk(char: str) -> bool:
    return char.isspace() or unicodedata.category(char).startswith("P")


def normalize_text(text: str) -> str:
    """Return `text` folded for comparison.

    Case-folded, accents dropped (NFKD without combining marks), runs of whitespace collapsed
    to one space, and leading/trailing whitespace and punctuation removed:
    `"  Élan  Vital. "` -> `"elan vital"`.
    """
    folded = _drop_accents(_drop_accents(text).casefold())
    collapsed = " ".join(folded.split())
    start, end = 0, len(collapsed)
    while start < end and _is_edge_junk(collapsed[start]):
        start += 1
    while end > start and _is_edge_junk(collapsed[end - 1]):
        end -= 1
    return collapsed[start:end]


def grade_short(accepted: Sequence[AcceptedAnswer], given: str) -> Outcome:
    """Grade a short answer: the best fraction among accepted answers equal to `given`.

    Both sides are compared after `normalize_text`; an empty (or all-punctuation) answer
    scores 0.
    """
    answer = normalize_text(given)
    if not answer:
        return _outcome(0.0)
    fractions = [a.fraction for a in accepted if normalize_text(a.text) == answer]
    return _outcome(max(fractions, default=0.0))


def parse_number(text: str) -> float | None:
    """Read a learner's number: `"2000"`, `" 2,000 "`, `"2000.5"`, `"-3"`, `".5"`.

    Accepts an optional sign (ASCII or U+2212 minus), ASCII digits with optional thousands
    commas in groups of three, and an optional decimal part. Anything else, including
    exponents, `nan`, `inf` and numbers too large for a float, gives None.
    """
    candidate = text.strip().replace("\u2212", "-")
    if not _NUMBER.fullmatch(candidate):
        return None
    number = float(candidate.replace(",", ""))
    return number if math.isfinite(number) else None


def _matches(answer: NumericAnswer, number: float) -> bool:
    if answer.value is not None:
        slack = max(answer.tolerance, 0.0)
        epsilon = _NUMERIC_EPSILON * max(1.0, abs(answer.value), slack)
        return abs(number - answer.value) <= slack + epsilon
    if answer.low is None or answer.high is None:
        return False
    epsilon = _NUMERIC_EPSILON * max(1.0, abs(answer.low), abs(answer.high))
    return answer.low - epsilon <= number <= answer.high + epsilon


def grade_numeric(answers: Sequence[NumericAnswer], given: str) -> Outcome:
    """Grade a numeric answer: the best fraction among the answers `given` falls within.

    `given` is the learner's text, read with `parse_number`; unreadable text scores 0.
    """
    number = parse_number(given)
    if number is None:
        return _outcome(0.0)
    fractions = [answer.fraction for answer in answers if _matches(answer, number)]
    return _outcome(max(fractions, default=0.0))


def grade_matching(pairs: Sequence[MatchPair], given: Mapping[int, str]) -> Outcome:
    """Grade a matching answer, `given` mapping pair ids to the right-hand text chosen.

    Each pair is worth 1 / len(pairs) and earns it when its given text equals its right side
    after `normalize_text`. Missing ids earn nothing; keys that are not pair ids are ignored.
    """
    if not pairs:
        return _outcome(0.0)
    matched = 0
    for pair in pairs:
        answer = given.get(pair.id)
        if isinstance(answer, str) and normalize_text(answer) == normalize_text(pair.right):
            matched += 1
    return _outcome(matched / len(pairs))


def score_percent(points: Iterable[float], max_points: int) -> float:
    """Return the points earned as a percentage of `max_points` (0 when `max_points` <= 0).

    The value is not rounded; round it where it is shown.
    """
    if max_points <= 0:
        return 0.0
    return 100.0 * sum(points) / max_points
