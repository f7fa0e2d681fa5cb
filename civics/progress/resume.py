"""Where a returning learner left off: the home page's "Continue where you left off"."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from civics.content.models import Lesson
from civics.progress.models import LessonRead
from quizzes.models import Attempt


@dataclass(frozen=True)
class ResumePoint:
    """One place to go back to: an open quiz attempt, or the lesson last opened."""

    kind: str  # "quiz" or "lesson"
    title: str
    url: str
    is_review: bool = False


def resume_point(*, user, token: str, now: datetime) -> ResumePoint | None:
    """The learner's open quiz attempt (the latest started, if its time is not up), else the
    published lesson they last opened (signed-in learners only: reads are kept per account).
    One query for an open attempt, a second only when there is none; none for a first visit."""
    if not user.is_authenticated and not token:
        return None  # a first visit: nothing to look up (and no querysets to build)
    attempt = (
        Attempt.objects.owned_by(user=user, token=token)
        .filter(state=Attempt.State.IN_PROGRESS)
        .filter(Q(deadline__isnull=True) | Q(deadline__gt=now))
        .select_related("quiz")
        .only("pk", "is_review", "quiz__title")
        .order_by("-started_at")
        .first()
    )
    if attempt is not None:
        return ResumePoint(
            kind="quiz",
            title=attempt.quiz.title,
            url=attempt.get_absolute_url(),
            is_review=attempt.is_review,
        )
    if not user.is_authenticated:
        return None
    read = (
        LessonRead.objects.filter(user=user, lesson__status=Lesson.Status.PUBLISHED)
        .select_related("lesson")
        .only("lesson__title", "lesson__slug")
        .order_by("-read_at", "-pk")
        .first()
    )
    if read is None:
        return None
    return ResumePoint(kind="lesson", title=read.lesson.title, url=read.lesson.get_absolute_url())
