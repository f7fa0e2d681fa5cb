"""The learner's dashboard: every read it needs, in a fixed number of queries.

The rules live in plain modules (``mastery``, ``streaks``, ``quizzes.scoring``); this module
only loads the rows and hands plain values to those rules. What every learner shares (topics,
lessons, which question belongs where) is a ``Catalog`` built once per content version, so the
learner's own reads are short lists of ids, points and times: one query per selector below
(``answers``, ``attempts``, ``reads``, ``ticks``, ``review_items_due``), the same number
whatever the number of attempts, answers or lessons.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.template.defaultfilters import floatformat
from django.urls import reverse

from civics.content import contentcache
from civics.content.contentcache import current_version
from civics.content.models import ActionItem, Lesson, Topic
from civics.progress.mastery import AnswerFact, Level, topic_mastery
from civics.progress.models import ActionTick, LearnerProfile, LessonRead
from civics.progress.streaks import current_streak
from quizzes.models import PRIMARY, Answer, Attempt, Question, Quiz, ReviewItem
from quizzes.scoring import score_percent

CHART_POINTS = 20


@dataclass(frozen=True)
class Place:
    """A topic or lesson as the dashboard links to it."""

    pk: int
    title: str
    url: str
    question_total: int
    action_total: int = 0


@dataclass(frozen=True)
class QuizFacts:
    title: str
    lesson_id: int
    lesson_title: str
    pass_mark: int


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
    lesson: Place
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

    # Formatted once here: the template's floatformat filter ran 80 times for 20 points.
    @property
    def cx(self) -> str:
        return f"{self.x:.1f}"

    @property
    def cy(self) -> str:
        return f"{self.y:.1f}"

    @cached_property
    def percent_label(self) -> str:
        return floatformat(self.percent, -1)


@dataclass
class Dashboard:
    time_zone: str
    topics: list = field(default_factory=list)  # (topic, TopicMastery)
    lessons: list[LessonProgress] = field(default_factory=list)
    quizzes: list[QuizScores] = field(default_factory=list)
    chart: list[ChartPoint] = field(default_factory=list)
    review_due: int = 0
    in_progress: list["OpenAttempt"] = field(default_factory=list)  # to resume
    streak: int = 0
    actions_done: int = 0
    action_total: int = 0

    @property
    def chart_path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.chart)


def learner_zone(user) -> ZoneInfo:
    names = LearnerProfile.objects.filter(user=user).values_list("time_zone", flat=True)
    try:
        return ZoneInfo(next(iter(names), settings.TIME_ZONE))
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


@dataclass
class Catalog:
    """The content progress is measured against: the same for every learner, so it is built once
    per content version (``civics.content.contentcache``) rather than joined into each
    learner's reads."""

    topics: list[Place]  # topics with published questions, by name
    lessons: list[Place]  # published lessons, newest first
    question_lesson: dict[int, int]  # published question (of a published quiz) -> its lesson
    lesson_topics: dict[int, tuple[int, ...]]
    action_lesson: dict[int, int]
    quizzes: dict[int, QuizFacts]


def catalog() -> Catalog:
    return contentcache.cached("dashboard-catalog", _build_catalog, version=current_version())


def _build_catalog() -> Catalog:
    published_questions = Q(
        lessons__status=Lesson.Status.PUBLISHED,
        lessons__quizzes__is_published=True,
        lessons__quizzes__questions__is_published=True,
    )
    topics = (
        Topic.objects.annotate(
            question_total=Count(
                "lessons__quizzes__questions", filter=published_questions, distinct=True
            )
        )
        .filter(question_total__gt=0)
        .order_by("name")
    )
    lessons = (
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
    lesson_topics: dict[int, list[int]] = defaultdict(list)
    for lesson_id, topic_id in Lesson.topics.through.objects.values_list("lesson_id", "topic_id"):
        lesson_topics[lesson_id].append(topic_id)
    return Catalog(
        topics=[Place(t.pk, t.name, t.get_absolute_url(), t.question_total) for t in topics],
        lessons=[
            Place(x.pk, x.title, x.get_absolute_url(), x.question_total, x.action_total)
            for x in lessons
        ],
        question_lesson=dict(
            Question.objects.filter(is_published=True, quiz__is_published=True).values_list(
                "pk", "quiz__lesson_id"
            )
        ),
        lesson_topics={pk: tuple(ids) for pk, ids in lesson_topics.items()},
        action_lesson=dict(ActionItem.objects.values_list("pk", "lesson_id")),
        quizzes={
            pk: QuizFacts(title, lesson_id, lesson_title, pass_mark)
            for pk, title, lesson_id, lesson_title, pass_mark in Quiz.objects.values_list(
                "pk", "title", "lesson_id", "lesson__title", "pass_mark"
            )
        },
    )


# --- The learner's own rows: one small query each, whatever their number ------------------


@dataclass(frozen=True)
class AnswerRow:
    attempt_id: int
    question_id: int
    points: float
    answered_at: datetime


@dataclass(frozen=True)
class AttemptFact:
    """A finished primary attempt (not a retry, not a review) and how many questions it had."""

    pk: int
    quiz_id: int
    slot_total: int
    finished_at: datetime


@dataclass(frozen=True)
class OpenAttempt:
    """An attempt to resume, as the dashboard lists it."""

    pk: int
    quiz_title: str
    kind: str  # quiz | review | retry
    started_at: datetime

    @property
    def url(self) -> str:
        return reverse("quizzes:attempt", args=[self.pk])


@dataclass(frozen=True)
class TickRow:
    action_id: int
    ticked_at: datetime


def answers(user) -> list[AnswerRow]:
    """Every answer the learner gave, in any attempt (reviews and retries too): mastery counts
    them all, each makes its day a streak day, and a finished attempt's add up to its score."""
    rows = Answer.objects.filter(attempt__user=user).values_list(
        "attempt_id", "question_id", "points", "answered_at"
    )
    return [AnswerRow(*row) for row in rows]


def attempts(user, *, open_limit: int = 10) -> tuple[list[AttemptFact], list[OpenAttempt]]:
    """The learner's finished primary attempts, oldest first, and up to ``open_limit`` attempts
    in progress (quizzes, reviews and retries), newest first: one query for both."""
    # Not with_score(): its points subquery tripled this query's time, and the points are summed
    # from ``answers()`` instead, which the dashboard reads anyway.
    rows = (
        Attempt.objects.filter(user=user)
        .filter(
            Q(PRIMARY, state=Attempt.State.FINISHED) | Q(state=Attempt.State.IN_PROGRESS)
        )
        .annotate(slot_total=Count("slots"))
        .values_list(
            "pk", "quiz_id", "quiz__title", "state", "is_review", "retry_of_id", "slot_total",
            "started_at", "finished_at",
        )
    )  # fmt: skip
    finished, open_ = [], []
    for pk, quiz_id, title, state, is_review, retry_of_id, slots, started, ended in rows:
        if state == Attempt.State.FINISHED:
            finished.append(AttemptFact(pk, quiz_id, slots, ended))
        else:
            open_.append(OpenAttempt(pk, title, _kind(is_review, retry_of_id), started))
    finished.sort(key=lambda a: (a.finished_at, a.pk))
    open_.sort(key=lambda a: (a.started_at, a.pk), reverse=True)
    return finished, open_[:open_limit]


def _kind(is_review: bool, retry_of_id: int | None) -> str:
    if is_review:
        return "review"
    return "quiz" if retry_of_id is None else "retry"


def reads(user) -> set[int]:
    """Ids of the lessons the learner opened."""
    return set(LessonRead.objects.filter(user=user).values_list("lesson_id", flat=True))


def ticks(user) -> list[TickRow]:
    """The checklist actions the learner ticked, and when."""
    rows = ActionTick.objects.filter(user=user).values_list("action_id", "ticked_at")
    return [TickRow(*row) for row in rows]


def review_items_due(user, *, now: datetime) -> int:
    """How many of the learner's review questions are due (published questions only)."""
    return ReviewItem.objects.filter(user=user).due(now).count()


def dashboard_for(user, *, now: datetime) -> Dashboard:
    zone = learner_zone(user)
    board = Dashboard(time_zone=str(zone))
    content = catalog()
    days = set()  # days with an answer or a tick, in the learner's time zone

    facts_by_topic: dict[int, list[AnswerFact]] = defaultdict(list)
    facts_by_lesson: dict[int, list[AnswerFact]] = defaultdict(list)
    points_by_attempt: dict[int, float] = defaultdict(float)
    for answer in answers(user):
        points_by_attempt[answer.attempt_id] += answer.points
        days.add(answer.answered_at.astimezone(zone).date())
        lesson_id = content.question_lesson.get(answer.question_id)
        if lesson_id is None:
            continue  # a question or quiz taken off line no longer counts towards mastery
        fact = AnswerFact(answer.question_id, answer.points, answer.answered_at)
        facts_by_lesson[lesson_id].append(fact)
        for topic_id in content.lesson_topics.get(lesson_id, ()):
            facts_by_topic[topic_id].append(fact)
    board.topics = [
        (
            topic,
            topic_mastery(facts_by_topic[topic.pk], question_total=topic.question_total, now=now),
        )
        for topic in content.topics
    ]

    # Scores are summed from the answers read above, as Attempt.with_score() sums them in SQL.
    finished, in_progress = attempts(user)
    scores: dict[int, QuizScores] = {}
    passed_lessons = set()
    chart = []
    for attempt in finished:
        quiz = content.quizzes[attempt.quiz_id]
        percent = score_percent(points_by_attempt[attempt.pk], attempt.slot_total)
        entry = scores.setdefault(attempt.quiz_id, QuizScores(quiz.title, quiz.lesson_title))
        entry.attempts += 1
        entry.best = max(entry.best, percent)
        entry.latest = percent
        if percent >= quiz.pass_mark:
            entry.passed = True
            passed_lessons.add(quiz.lesson_id)
        chart.append((attempt.finished_at, percent, quiz.title))
    board.quizzes = list(scores.values())
    board.chart = _chart(chart[-CHART_POINTS:], zone)

    read = reads(user)
    ticks_by_lesson: dict[int, int] = defaultdict(int)
    for tick in ticks(user):
        ticks_by_lesson[content.action_lesson.get(tick.action_id)] += 1
        days.add(tick.ticked_at.astimezone(zone).date())
    attempted_lessons = {content.quizzes[a.quiz_id].lesson_id for a in finished}
    for lesson in content.lessons:
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
        done = ticks_by_lesson.get(lesson.pk, 0)
        board.lessons.append(LessonProgress(lesson, status, done, lesson.action_total))
        board.actions_done += done
        board.action_total += lesson.action_total

    board.review_due = review_items_due(user, now=now)
    board.in_progress = in_progress
    board.streak = current_streak(days, today=now.astimezone(zone).date())
    return board


def _chart(attempts, zone) -> list[ChartPoint]:
    """Points of a 600 x 200 chart: one per finished attempt (when, percent, quiz title), oldest
    on the left."""
    if not attempts:
        return []
    step = 560 / max(len(attempts) - 1, 1)
    points = []
    for index, (finished_at, percent, title) in enumerate(attempts):
        when = finished_at.astimezone(zone)
        points.append(
            ChartPoint(
                x=20 + index * step if len(attempts) > 1 else 300,
                y=180 - percent * 1.6,
                percent=percent,
                label=f"{when:%b} {when.day}, {title}",
            )
        )
    return points
