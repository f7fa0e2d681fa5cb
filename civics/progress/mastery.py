"""Mastery level of a topic, from a learner's answers to that topic's questions.

Plain values in, a level out; no ORM, and ``now`` is passed in. The rule (every boundary is
pinned with examples in tests/progress/test_mastery.py):

- Only the learner's **latest** answer to each question counts: improving replaces old mistakes.
- ``coverage`` = questions answered at least once / published questions in the topic.
- ``accuracy`` = mean points (0 to 1) of those latest answers.

| level | when |
|---|---|
| not started | no answer to any of the topic's questions |
| attempted | at least one answer, but not yet familiar |
| familiar | coverage >= 50% and accuracy >= 60% |
| proficient | coverage >= 80% and accuracy >= 80% |
| mastered | coverage = 100%, accuracy >= 90%, and the most recent answer was given on a later
  calendar day (in the answers' own time zone, UTC as stored) than the learner's first answer in
  the topic (the knowledge held beyond one sitting) |

Boundaries are inclusive, and each level requires all of its conditions. Answers dated after
``now`` are ignored.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum


class Level(IntEnum):
    NOT_STARTED = 0
    ATTEMPTED = 1
    FAMILIAR = 2
    PROFICIENT = 3
    MASTERED = 4

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()

    @property
    def slug(self) -> str:
        return self.name.lower().replace("_", "-")


FAMILIAR = (0.5, 0.6)  # (coverage, accuracy)
PROFICIENT = (0.8, 0.8)
MASTERED_ACCURACY = 0.9
EPSILON = 1e-9


@dataclass(frozen=True)
class AnswerFact:
    """One answer: which question, what it earned (0..1) and when."""

    question_id: int
    points: float
    answered_at: datetime


@dataclass(frozen=True)
class TopicMastery:
    level: Level
    coverage: float
    accuracy: float
    answered: int
    total: int


def topic_mastery(
    answers: Iterable[AnswerFact], *, question_total: int, now: datetime
) -> TopicMastery:
    """Apply the rule above to every answer the learner gave to the topic's questions."""
    latest: dict[int, AnswerFact] = {}
    first: datetime | None = None
    for fact in answers:
        if fact.answered_at > now:
            continue  # a clock skewed into the future never counts
        first = fact.answered_at if first is None else min(first, fact.answered_at)
        kept = latest.get(fact.question_id)
        if kept is None or fact.answered_at >= kept.answered_at:
            latest[fact.question_id] = fact
    if not latest or question_total <= 0:
        return TopicMastery(Level.NOT_STARTED, 0.0, 0.0, 0, max(question_total, 0))
    answered = min(len(latest), question_total)
    coverage = answered / question_total
    accuracy = sum(min(max(f.points, 0.0), 1.0) for f in latest.values()) / len(latest)
    level = Level.ATTEMPTED
    if _meets(coverage, accuracy, FAMILIAR):
        level = Level.FAMILIAR
    if _meets(coverage, accuracy, PROFICIENT):
        level = Level.PROFICIENT
    if (
        level == Level.PROFICIENT
        and coverage >= 1 - EPSILON
        and accuracy >= MASTERED_ACCURACY - EPSILON
    ):
        last_day = max(f.answered_at for f in latest.values()).date()
        if last_day > first.date():
            level = Level.MASTERED
    return TopicMastery(level, coverage, accuracy, answered, question_total)


def _meets(coverage: float, accuracy: float, bar: tuple[float, float]) -> bool:
    return coverage >= bar[0] - EPSILON and accuracy >= bar[1] - EPSILON
