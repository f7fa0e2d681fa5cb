"""The review schedule: Leitner boxes. Plain values in and out; ``now`` is passed in.

A question the learner misses enters box 1. Each box has an interval; a question is due for
review when its interval has passed since it was last placed:

| box | 1 | 2 | 3 | 4 | 5 |
|---|---|---|---|---|---|
| review after | 1 day | 3 days | 7 days | 16 days | 35 days |

Answering a due question right moves it up a box (box 5 stays in box 5); answering it wrong
sends it back to box 1. Answering right a question that is not due yet changes nothing (it is
not a review); answering it wrong always sends it back to box 1.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

INTERVAL_DAYS = (1, 3, 7, 16, 35)
TOP_BOX = len(INTERVAL_DAYS)


@dataclass(frozen=True)
class Placement:
    box: int
    due_at: datetime


def place(box: int, now: datetime) -> Placement:
    box = min(max(box, 1), TOP_BOX)
    return Placement(box, now + timedelta(days=INTERVAL_DAYS[box - 1]))


def after_answer(current: Placement | None, *, correct: bool, now: datetime) -> Placement | None:
    """Where a question goes after an answer; ``None`` means it is (still) not in the queue."""
    if not correct:
        return place(1, now)
    if current is None:
        return None
    if current.due_at > now:
        return current
    return place(current.box + 1, now)
