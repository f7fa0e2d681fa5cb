"""The learner's dashboard: every read it needs, in a fixed number of queries.

The rules live in plain modules (``mastery``, ``leitner``, ``streaks``, ``scoring``); this
module only loads the rows, a constant number of queries whatever the number of attempts,
answers or lessons, and hands plain values to those rules. What every learner shares (topics,
lessons, which question belongs where) is a ``Catalog`` built once per content version, so the
learner's own reads are single-table lists without joins.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone

from civics.content import contentcache
from civics.content.contentcache import current_version
from civics.content.models import ActionItem, Lesson, Topic
from civics.progress.mastery import AnswerFact, Level, topic_mastery
from civics.progress.models import ActionTick, LearnerProfile, LessonRead
from civics.progress.streaks import current_streak
from quizzes.models import Answer, Attempt, Question, Quiz, ReviewItem, Slot
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
    in_progress: list = field(default_factory=list)  # attempts to resume
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
    per content version (``civics.contentcache``) rather than joined into each learner's reads."""

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


# Everything of one learner's that the dashboard reads, in one statement: plain SQL that runs
# unchanged on SQLite and PostgreSQL (as in stats_queries). Building these six reads with the ORM
# cost more than running them; the ``"t [datetime]"`` alias makes SQLite's driver parse the
# timestamp column as Django's own reads do (PostgreSQL just takes it as a column name).
_LEARNER_ROWS = """
SELECT 'answer' AS kind, an.attempt_id AS a, an.question_id AS b, an.points AS c,
       an.answered_at AS "t [datetime]"
  FROM {answer} an JOIN {attempt} at ON at.id = an.attempt_id
 WHERE at.user_id = %(user)s
UNION ALL
SELECT 'finished', at.id, at.quiz_id,
       (SELECT COUNT(*) FROM {slot} s WHERE s.attempt_id = at.id), at.finished_at
  FROM {attempt} at
 WHERE at.user_id = %(user)s AND at.state = 'finished' AND at.is_review = %(no)s
       AND at.retry_of_id IS NULL
UNION ALL
SELECT 'open', at.id, at.quiz_id,
       CASE WHEN at.is_review THEN 1 WHEN at.retry_of_id IS NOT NULL THEN 2 ELSE 0 END,
       at.started_at
  FROM {attempt} at
 WHERE at.user_id = %(user)s AND at.state = 'in_progress'
UNION ALL
SELECT 'read', lr.lesson_id, NULL, NULL, NULL FROM {read} lr WHERE lr.user_id = %(user)s
UNION ALL
SELECT 'tick', t.action_id, NULL, NULL, t.ticked_at FROM {tick} t WHERE t.user_id = %(user)s
UNION ALL
SELECT 'due', COUNT(*), NULL, NULL, NULL
  FROM {review} r JOIN {question} q ON q.id = r.question_id
 WHERE r.user_id = %(user)s AND r.due_at <= %(now)s AND q.is_published = %(yes)s
"""


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


def _learner_rows(user, now: datetime) -> list[tuple]:
    tables = {
        name: model._meta.db_table
        for name, model in (
            ("answer", Answer), ("attempt", Attempt), ("slot", Slot), ("read", LessonRead),
            ("tick", ActionTick), ("review", ReviewItem), ("question", Question),
        )
    }  # fmt: skip
    params = {
        "user": user.pk,
        "no": False,
        "yes": True,
        "now": connection.ops.adapt_datetimefield_value(now),
    }
    with connection.cursor() as cursor:
        cursor.execute(_LEARNER_ROWS.format(**tables), params)
        rows = cursor.fetchall()
    return [
        (kind, a, b, c, t if t is None or timezone.is_aware(t) else t.replace(tzinfo=UTC))
        for kind, a, b, c, t in rows
    ]


def dashboard_for(user, *, now: datetime) -> Dashboard:
    zone = learner_zone(user)
    board = Dashboard(time_zone=str(zone))
    content = catalog()
    rows = defaultdict(list)
    for kind, *values in _learner_rows(user, now):
        rows[kind].append(values)
    days = set()  # days with an answer or a tick, in the learner's time zone

    facts_by_topic: dict[int, list[AnswerFact]] = defaultdict(list)
    facts_by_lesson: dict[int, list[AnswerFact]] = defaultdict(list)
    points_by_attempt: dict[int, float] = defaultdict(float)
    for attempt_id, question_id, points, answered_at in rows["answer"]:
        points_by_attempt[attempt_id] += points
        days.add(answered_at.astimezone(zone).date())
        lesson_id = content.question_lesson.get(question_id)
        if lesson_id is None:
            continue  # a question or quiz taken off line no longer counts towards mastery
        fact = AnswerFact(question_id, points, answered_at)
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
    attempts = sorted(rows["finished"], key=lambda row: (row[3], row[0]))
    scores: dict[int, QuizScores] = {}
    passed_lessons = set()
    chart = []
    for attempt_id, quiz_id, slot_total, finished_at in attempts:
        quiz = content.quizzes[quiz_id]
        percent = score_percent(points_by_attempt[attempt_id], int(slot_total))
        entry = scores.setdefault(quiz_id, QuizScores(quiz.title, quiz.lesson_title))
        entry.attempts += 1
        entry.best = max(entry.best, percent)
        entry.latest = percent
        if percent >= quiz.pass_mark:
            entry.passed = True
            passed_lessons.add(quiz.lesson_id)
        chart.append((finished_at, percent, quiz.title))
    board.quizzes = list(scores.values())
    board.chart = _chart(chart[-CHART_POINTS:], zone)

    read = {lesson_id for lesson_id, *_ in rows["read"]}
    ticks: dict[int, int] = defaultdict(int)
    for action_id, _, _, ticked_at in rows["tick"]:
        ticks[content.action_lesson.get(action_id)] += 1
        days.add(ticked_at.astimezone(zone).date())
    attempted_lessons = {content.quizzes[quiz_id].lesson_id for _, quiz_id, *_ in attempts}
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
        done = ticks.get(lesson.pk, 0)
        board.lessons.append(LessonProgress(lesson, status, done, lesson.action_total))
        board.actions_done += done
        board.action_total += lesson.action_total

    board.review_due = int(rows["due"][0][0]) if rows["due"] else 0
    kinds = {0: "quiz", 1: "review", 2: "retry"}
    board.in_progress = [
        OpenAttempt(pk, content.quizzes[quiz_id].title, kinds[int(kind)], started_at)
        for pk, quiz_id, kind, started_at in sorted(
            rows["open"], key=lambda row: row[3], reverse=True
        )[:10]
    ]
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
