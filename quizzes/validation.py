"""The rules a question must meet, per type, in one place.

Plain values in (a ``gift.GiftQuestion``, which is how every path — GIFT import, seed packs and
the admin — describes a question), a list of ``Problem``s out. Each message names the field and
says how to fix it. A question with problems is not saved as published.
"""

from dataclasses import dataclass

from quizzes.gift import GiftQuestion
from quizzes.registry import TYPES

WEIGHT_TOLERANCE = 1e-4


@dataclass(frozen=True)
class Problem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def validate_question(question: GiftQuestion) -> list[Problem]:
    """Return what is wrong with ``question`` (empty when it is fine)."""
    problems = []
    if not question.prompt.strip():
        problems.append(Problem("prompt", "Write the question the learner will see."))
    entry = TYPES.get(question.type)
    if entry is None:
        return [*problems, Problem("type", f"Unknown question type {question.type!r}.")]
    problems.extend(entry.validate(question))
    return problems


def validate_single(q: GiftQuestion) -> list[Problem]:
    """Exactly one choice right, at least two, none empty."""
    problems = []
    if len(q.choices) < 2:
        problems.append(Problem("choices", "Give at least two choices."))
    if any(not c.text.strip() for c in q.choices):
        problems.append(Problem("choices", "Every choice needs text; delete empty ones."))
    right = [c for c in q.choices if c.fraction >= 1 - WEIGHT_TOLERANCE]
    if len(right) != 1:
        problems.append(
            Problem(
                "choices",
                f"Mark exactly one choice as correct (found {len(right)}). For several correct "
                "answers, make it a multiple-response question.",
            )
        )
    return problems


def validate_multiple(q: GiftQuestion) -> list[Problem]:
    """At least two choices, one right at least; explicit weights add up to 100%."""
    problems = []
    if len(q.choices) < 2:
        problems.append(Problem("choices", "Give at least two choices."))
    if any(not c.text.strip() for c in q.choices):
        problems.append(Problem("choices", "Every choice needs text; delete empty ones."))
    positive = [c.fraction for c in q.choices if c.fraction > 0]
    if not positive:
        problems.append(Problem("choices", "Mark at least one choice as correct."))
    weighted = any(c.fraction not in (0, 1) for c in q.choices)
    if weighted and positive and abs(sum(positive) - 1) > WEIGHT_TOLERANCE:
        problems.append(
            Problem(
                "choices",
                f"The positive weights add up to {sum(positive):.0%}; make them add up to 100%.",
            )
        )
    return problems


def validate_true_false(q: GiftQuestion) -> list[Problem]:
    """The truth is set."""
    if q.truth is None:
        return [Problem("truth", "Say whether the statement is true or false.")]
    return []


def validate_short(q: GiftQuestion) -> list[Problem]:
    """An accepted answer worth 100%, none empty or with “->”."""
    if any("->" in a.text for a in q.accepted):
        return [Problem("accepted answers", "Remove “->” from the accepted answers.")]
    if not any(a.text.strip() for a in q.accepted):
        return [Problem("accepted answers", "Give at least one non-empty accepted answer.")]
    if not any(a.fraction >= 1 - WEIGHT_TOLERANCE for a in q.accepted):
        return [Problem("accepted answers", "At least one accepted answer must be worth 100%.")]
    return []


def validate_numeric(q: GiftQuestion) -> list[Problem]:
    """Each answer a value with a tolerance of 0 or more, or an ordered range; one at 100%."""
    problems = []
    if not q.numeric:
        return [Problem("numeric answers", "Give a value with a tolerance, or a range.")]
    for index, answer in enumerate(q.numeric, start=1):
        if answer.value is not None:
            if answer.tolerance < 0:
                problems.append(
                    Problem("numeric answers", f"Answer {index}: the tolerance must be 0 or more.")
                )
        elif answer.low is None or answer.high is None:
            problems.append(
                Problem(
                    "numeric answers", f"Answer {index}: give a value, or both ends of a range."
                )
            )
        elif answer.low > answer.high:
            problems.append(
                Problem(
                    "numeric answers",
                    f"Answer {index}: the range starts at {answer.low:g}, above its end "
                    f"{answer.high:g}; swap them.",
                )
            )
    if not any(a.fraction >= 1 - WEIGHT_TOLERANCE for a in q.numeric):
        problems.append(Problem("numeric answers", "At least one answer must be worth 100%."))
    return problems


def validate_matching(q: GiftQuestion) -> list[Problem]:
    """At least two pairs, both sides filled, left sides unique and without “->”."""
    problems = []
    if len(q.pairs) < 2:
        problems.append(Problem("pairs", "Give at least two pairs to match."))
    if any(not left.strip() or not right.strip() for left, right in q.pairs):
        problems.append(Problem("pairs", "Fill in both sides of every pair."))
    if any("->" in left for left, _ in q.pairs):
        problems.append(Problem("pairs", "Remove “->” from the left-hand items."))
    lefts = [left.strip().casefold() for left, _ in q.pairs]
    if len(set(lefts)) != len(lefts):
        problems.append(Problem("pairs", "Each left-hand item may appear only once."))
    return problems
