"""An attempt's score and review, computed from its stored answers (never a running counter).

Each question is worth one point; an answer stores the share of it earned (0 to 1). The
score is the sum of the answers' points over the number of questions in the attempt, so an
unanswered question counts as 0. These functions only read objects already loaded (slots,
questions with their keys, answers with their choices): they run no queries.
"""

import math
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes.models import Question
from quizzes.question_types import OptionMark, question_type


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
    also_accepted: tuple[str, ...] = ()
    options: tuple[OptionMark, ...] = ()

    @property
    def is_missed(self) -> bool:
        """Not fully right: a wrong, partly right or unanswered question."""
        return self.status != "correct"

    passage_url: str = ""  # the lesson passage the question draws on (set by review_rows)

    @property
    def number_label(self) -> str:
        return _("Question %(number)d") % {"number": self.position}

    @property
    def points_label(self) -> str:
        return f"{round(self.points, 2):g}"

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def review_words() -> dict[str, str]:
    """The review's recurring words, translated once per page for ``_review_detail.html``: as
    {% translate %} tags inside its loops they were a sixth of the result page's rendering
    (two per option of every question)."""
    return {
        "your_answer": _("Your answer"),
        "correct_answer": _("Correct answer"),
        "also_accepted": _("Also accepted"),
        "no_answer": _("No answer"),
        "not_answered": _("You did not answer this question."),
        "why": _("Why"),
    }


STATUS_LABELS = {
    "correct": gettext_lazy("Correct"),
    "partial": gettext_lazy("Partly correct"),
    "wrong": gettext_lazy("Incorrect"),
    "unanswered": gettext_lazy("Not answered"),
}


@dataclass(frozen=True)
class Score:
    points: float
    max_points: int
    percent: float
    pass_mark: int
    answered: int
    duration: timedelta | None
    correct: int = 0  # questions answered fully right

    @property
    def points_label(self) -> str:
        return f"{self.points:g}"

    @property
    def whole_percent(self) -> int:
        """The score as a whole number, rounded down so that it never shows a pass mark that
        was not reached (69.6% reads "69%" when the pass mark is 70%)."""
        return math.floor(self.percent)

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
            return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
        if minutes:
            return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": seconds}
        return _("%(seconds)d s") % {"seconds": seconds}


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
        correct=sum(row.status == "correct" for row in rows),
    )


@dataclass(frozen=True)
class Part:
    """The questions of one part of the lesson (or of one lesson, in an attempt that spans
    several) and how many of them were answered fully right."""

    label: str
    url: str
    correct: int
    total: int

    @property
    def percent(self) -> int:
        return math.floor(100 * self.correct / self.total) if self.total else 0


def by_part(rows: list[ReviewRow]) -> list[Part]:
    """The result's breakdown: by lesson section, or by lesson when the questions come from
    several lessons (a review or a practice set); questions without a section are one part."""
    lessons = {row.question.quiz.lesson_id for row in rows}
    groups: dict[object, list[ReviewRow]] = {}
    for row in rows:
        section = row.question.section
        key = row.question.quiz.lesson_id if len(lessons) > 1 else section and section.pk
        groups.setdefault(key, []).append(row)
    parts = []
    for group in groups.values():
        question = group[0].question
        if len(lessons) > 1:
            label, url = question.quiz.lesson.title, question.quiz.lesson.get_absolute_url()
        elif question.section is not None:
            label, url = question.section.heading, question.section.get_absolute_url()
        else:
            label, url = _("Other questions"), ""
        correct = sum(row.status == "correct" for row in group)
        parts.append(Part(label, url, correct, len(group)))
    return parts


def _status(answer) -> str:
    if answer is None:
        return "unanswered"
    if answer.is_correct:
        return "correct"
    return "partial" if answer.points > 0 else "wrong"


def review_rows(items, *, attempt=None) -> list[ReviewRow]:
    """Rows for the review: ``items`` are (slot, question, answer or None). With ``attempt``,
    a choice question's options are marked in the order that attempt showed them."""
    rows = []
    passages: dict[int, str] = {}  # one reverse() per section, not per question
    for slot, question, answer in items:
        row = ReviewRow(
            position=slot.position,
            question=question,
            answer=answer,
            points=answer.points if answer else 0.0,
            status=_status(answer),
        )
        section = question.section
        if section is not None:
            if section.pk not in passages:
                passages[section.pk] = section.get_absolute_url()
            row.passage_url = passages[section.pk]
        _fill(row, question, answer)
        if attempt is not None and row.options:
            # The marks are in the stored order of the choices, as the form's options are
            # before ``choice_order`` shuffles them: the same shuffle puts them as shown.
            row.options = tuple(attempt.choice_order(question, list(row.options)))
        rows.append(row)
    return rows


def _fill(row: ReviewRow, question: Question, answer) -> None:
    text = question_type(question.type).review(question, answer)
    row.yours.extend(text.yours)
    row.right.extend(text.right)
    row.feedback.extend(text.feedback)
    row.also_accepted = text.also_accepted
    row.options = text.options
