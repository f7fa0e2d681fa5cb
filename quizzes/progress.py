"""The learner's dashboard: every read it needs, in a fixed number of queries.

The rules live in plain modules (``mastery``, ``leitner``, ``streaks``, ``scoring``); this
module only loads the rows, a constant number of queries whatever the number of attempts,
answers or lessons, and hands plain values to those rules.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from civics.models import ActionTick, LearnerProfile, Lesson, LessonRead, Topic

from .mastery import AnswerFact, Level, topic_mastery
from .models import Answer, Attempt, ReviewItem
from .scoring import score_percent
from .streaks import current_streak

CHART_POINTS = 20


@dataclass
class QuizScores:
    quiz_title: str
    lesson_title: str
    attempts: int = 0
    best: float = 0.0
    latest: float = 0.0
    passed: bool = False


@dataclass
class LessonProgress:
    lesson: Lesson
    status: str  # not-started | read | passed | mastered
    actions_done: int
    action_total: int

    @property
    def status_label(self) -> str:
        return {
            "not-started": "Not started",
            "read": "Read",
            "passed": "Quiz passed",
            "mastered": "Mastered",
        }[self.status]


@dataclass
class ChartPoint:
    x: float
    y: float
    percent: float
    label: str


@dataclass
class Dashboard:
    time_zone: str
    topics: list = field(default_factory=list)  # (topic, TopicMastery)
    lessons: list[LessonProgress] = field(default_factory=list)
    quizzes: list[QuizScores] = field(default_factory=list)
    chart: list[ChartPoint] = field(default_factory=list)
    review_due: int = 0
    in_progress: list = field(default_factory=list)  # attempts to resume
    streak: int = 0
    actions_done: int = 0
    action_total: int = 0

    @property
    def chart_path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.chart)


def learner_zone(user) -> ZoneInfo:
    profile = LearnerProfile.objects.filter(user=user).only("time_zone").first()
    try:
        return ZoneInfo(profile.time_zone if profile else settings.TIME_ZONE)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def dashboard_for(user, *, now: datetime) -> Dashboard:
    zone = learner_zone(user)
    board = Dashboard(time_zone=str(zone))

    published_questions = Q(
        lessons__status=Lesson.Status.PUBLISHED,
        lessons__quizzes__is_published=True,
        lessons__quizzes__questions__is_published=True,
    )
    topics = list(
        Topic.objects.annotate(
            question_total=Count(
                "lessons__quizzes__questions", filter=published_questions, distinct=True
            )
        )
        .filter(question_total__gt=0)
        .order_by("name")
    )
    facts_by_topic: dict[int, list[AnswerFact]] = defaultdict(list)
    facts_by_lesson: dict[int, list[AnswerFact]] = defaultdict(list)
    rows = Answer.objects.filter(
        attempt__user=user, question__is_published=True, question__quiz__is_published=True
    ).values_list(
        "question_id",
        "points",
        "answered_at",
        "question__quiz__lesson_id",
        "question__quiz__lesson__topics",
    )
    seen_for_lesson = set()
    for question_id, points, answered_at, lesson_id, topic_id in rows:
        fact = AnswerFact(question_id, points, answered_at)
        if topic_id is not None:
            facts_by_topic[topic_id].append(fact)
        # The topics join repeats an answer once per topic of its lesson; count it once here.
        key = (question_id, answered_at, points)
        if key not in seen_for_lesson:
            seen_for_lesson.add(key)
            facts_by_lesson[lesson_id].append(fact)
    board.topics = [
        (
            topic,
            topic_mastery(facts_by_topic[topic.pk], question_total=topic.question_total, now=now),
        )
        for topic in topics
    ]

    attempts = list(
        Attempt.objects.filter(
            user=user, state=Attempt.State.FINISHED, is_review=False, retry_of__isnull=True
        )
        .with_score()
        .select_related("quiz__lesson")
        .order_by("finished_at")
    )
    scores: dict[int, QuizScores] = {}
    passed_lessons = set()
    for attempt in attempts:
        percent = score_percent(attempt.points_total or 0, attempt.slot_total or 0)
        entry = scores.setdefault(
            attempt.quiz_id, QuizScores(attempt.quiz.title, attempt.quiz.lesson.title)
        )
        entry.attempts += 1
        entry.best = max(entry.best, percent)
        entry.latest = percent
        if percent >= attempt.quiz.pass_mark:
            entry.passed = True
            passed_lessons.add(attempt.quiz.lesson_id)
    board.quizzes = list(scores.values())
    board.chart = _chart(attempts[-CHART_POINTS:], zone)

    lessons = list(
        Lesson.objects.published()
        .annotate(
            action_total=Count("actions", distinct=True),
            question_total=Count(
                "quizzes__questions",
                filter=Q(quizzes__is_published=True, quizzes__questions__is_published=True),
                distinct=True,
            ),
        )
        .order_by("-published_on", "title")
    )
    read = set(LessonRead.objects.filter(user=user).values_list("lesson_id", flat=True))
    ticks = dict(
        ActionTick.objects.filter(user=user)
        .values("action__lesson_id")
        .annotate(n=Count("pk"))
        .values_list("action__lesson_id", "n")
    )
    attempted_lessons = {a.quiz.lesson_id for a in attempts}
    for lesson in lessons:
        status = "not-started"
        if lesson.pk in read or lesson.pk in attempted_lessons or lesson.pk in facts_by_lesson:
            status = "read"
        if lesson.pk in passed_lessons:
            status = "passed"
        mastery = topic_mastery(
            facts_by_lesson[lesson.pk], question_total=lesson.question_total, now=now
        )
        if mastery.level == Level.MASTERED:
            status = "mastered"
        done = ticks.get(lesson.pk, 0)
        board.lessons.append(LessonProgress(lesson, status, done, lesson.action_total))
        board.actions_done += done
        board.action_total += lesson.action_total

    board.review_due = ReviewItem.objects.filter(user=user).due(now).count()
    board.in_progress = list(
        Attempt.objects.filter(user=user, state=Attempt.State.IN_PROGRESS)
        .select_related("quiz")
        .order_by("-started_at")[:10]
    )

    answer_days = (
        Answer.objects.filter(attempt__user=user)
        .annotate(day=TruncDate("answered_at", tzinfo=zone))
        .order_by()
        .values_list("day", flat=True)
        .distinct()
    )
    tick_days = (
        ActionTick.objects.filter(user=user)
        .annotate(day=TruncDate("ticked_at", tzinfo=zone))
        .order_by()
        .values_list("day", flat=True)
        .distinct()
    )
    board.streak = current_streak({*answer_days, *tick_days}, today=now.astimezone(zone).date())
    return board


def _chart(attempts, zone) -> list[ChartPoint]:
    """Points of a 600 x 200 chart: one per finished attempt, oldest on the left."""
    if not attempts:
        return []
    step = 560 / max(len(attempts) - 1, 1)
    points = []
    for index, attempt in enumerate(attempts):
        percent = score_percent(attempt.points_total or 0, attempt.slot_total or 0)
        when = attempt.finished_at.astimezone(zone)
        points.append(
            ChartPoint(
                x=20 + index * step if len(attempts) > 1 else 300,
                y=180 - percent * 1.6,
                percent=percent,
                label=f"{when:%b} {when.day}, {attempt.quiz.title}",
            )
        )
    return points
