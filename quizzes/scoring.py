"""An attempt's score and review, computed from its stored answers (never a running counter).

Each question is worth one point; an answer stores the share of it earned (0 to 1). The
score is the sum of the answers' points over the number of questions in the attempt, so an
unanswered question counts as 0. These functions only read objects already loaded (slots,
questions with their keys, answers with their choices): they run no queries.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from quizzes.models import Question
from quizzes.question_types import question_type


@dataclass
class ReviewRow:
    position: int
    question: Question
    answer: object | None
    points: float
    status: str  # correct | partial | wrong | unanswered
    yours: list[str] = field(default_factory=list)
    right: list[str] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)

    @property
    def passage_url(self) -> str:
        section = self.question.section
        return section.get_absolute_url() if section else ""

    @property
    def points_label(self) -> str:
        return f"{round(self.points, 2):g}"

    @property
    def status_label(self) -> str:
        return {
            "correct": "Correct",
            "partial": "Partly correct",
            "wrong": "Incorrect",
            "unanswered": "Not answered",
        }[self.status]


@dataclass(frozen=True)
class Score:
    points: float
    max_points: int
    percent: float
    pass_mark: int
    answered: int
    duration: timedelta | None

    @property
    def points_label(self) -> str:
        return f"{self.points:g}"

    @property
    def passed(self) -> bool:
        return self.percent >= self.pass_mark

    @property
    def duration_label(self) -> str:
        if self.duration is None:
            return ""
        seconds = int(self.duration.total_seconds())
        minutes, seconds = divmod(seconds, 60)
        hours, minutes = divmod(minutes, 60)
        if hours:
            return f"{hours} h {minutes} min"
        if minutes:
            return f"{minutes} min {seconds} s"
        return f"{seconds} s"


def score_percent(points: float, max_points: int) -> float:
    """Percent of ``max_points`` earned, rounded to one decimal; 0 for an empty attempt."""
    return round(100 * points / max_points, 1) if max_points else 0.0


def summarize(attempt, rows: list[ReviewRow]) -> Score:
    points = sum(row.points for row in rows)
    duration = attempt.finished_at - attempt.started_at if attempt.finished_at else None
    return Score(
        points=round(points, 2),
        max_points=len(rows),
        percent=score_percent(points, len(rows)),
        pass_mark=attempt.quiz.pass_mark,
        answered=sum(row.answer is not None for row in rows),
        duration=duration,
    )


def _status(answer) -> str:
    if answer is None:
        return "unanswered"
    if answer.is_correct:
        return "correct"
    return "partial" if answer.points > 0 else "wrong"


def review_rows(items) -> list[ReviewRow]:
    """Rows for the review: ``items`` are (slot, question, answer or None)."""
    rows = []
    for slot, question, answer in items:
        row = ReviewRow(
            position=slot.position,
            question=question,
            answer=answer,
            points=answer.points if answer else 0.0,
            status=_status(answer),
        )
        _fill(row, question, answer)
        rows.append(row)
    return rows


def _fill(row: ReviewRow, question: Question, answer) -> None:
    text = question_type(question.type).review(question, answer)
    row.yours.extend(text.yours)
    row.right.extend(text.right)
    row.feedback.extend(text.feedback)
