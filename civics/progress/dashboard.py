"""The learner's dashboard: every read it needs, in a fixed number of queries.

The rules live in plain modules (``mastery``, ``streaks``, ``quizzes.scoring``); this module
only loads the rows and hands plain values to those rules. What every learner shares (topics,
lessons, which question belongs where) is a ``Catalog`` built once per content version, so the
learner's own reads are short lists of ids, points and times: one query per selector below
(``learner_facts``, ``answers``, ``attempts``, ``reads``, ``ticks``), the same number
whatever the number of attempts, answers or lessons.

``next_step`` then picks the one thing to do next, and ``chart`` lays the scores out on dated
axes; both are plain functions of the values read.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
            "not-started": _("Not started"),
            "read": _("Read"),
            "passed": _("Quiz passed"),
            "mastered": _("Mastered"),
        }[self.status]


@dataclass
class ChartPoint:
    x: float
    y: float
    percent: float
    label: str
    day: date

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
    next_step: "NextStep | None" = None
    x_ticks: list["AxisTick"] = field(default_factory=list)
    is_new: bool = False  # nothing answered, read or ticked yet

    @property
    def chart_path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.chart)


@dataclass(frozen=True)
class LearnerFacts:
    """The learner's own settings and counters that are one value each."""

    time_zone: ZoneInfo
    review_due: int


def learner_facts(user, *, now: datetime) -> LearnerFacts:
    """The learner's time zone (the profile's, else the site's) and how many review questions
    are due: one query, the user row with both as subqueries."""
    profile = LearnerProfile.objects.filter(user=OuterRef("pk")).values("time_zone")[:1]
    due = (
        ReviewItem.objects.filter(user=OuterRef("pk"))
        .due(now)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(zone_name=Subquery(profile), due=Coalesce(Subquery(due), 0))
        .values_list("zone_name", "due")
        .first()
    )
    name, review_due = row if row else (None, 0)
    try:
        zone = ZoneInfo(name or settings.TIME_ZONE)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return LearnerFacts(zone, review_due)


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


def dashboard_for(user, *, now: datetime) -> Dashboard:
    facts = learner_facts(user, now=now)
    zone = facts.time_zone
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
    board.chart, board.x_ticks = _chart(chart[-CHART_POINTS:], zone)

    read = reads(user)
    ticks_by_lesson: dict[int, int] = defaultdict(int)
    ticked = ticks(user)
    for tick in ticked:
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

    board.review_due = facts.review_due
    board.in_progress = in_progress
    board.streak = current_streak(days, today=now.astimezone(zone).date())
    board.is_new = not (points_by_attempt or read or ticked or in_progress or finished)
    board.next_step = next_step(board)
    return board


# --- What to do next ----------------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    """The one thing the dashboard suggests doing next."""

    kind: str  # resume | review | read | act | done
    title: str
    text: str
    action: str  # the button's words
    url: str = ""
    post: bool = False  # the button submits a form (starting a review) rather than a link


def next_step(board: Dashboard) -> NextStep:
    """In this order: resume the newest open attempt, the due review, the first lesson not read
    yet (newest first), the first lesson with actions left to do; else all is done."""
    if board.in_progress:
        attempt = board.in_progress[0]
        return NextStep(
            "resume",
            _("Pick up where you left off"),
            _("“%(quiz)s” is waiting for you, with your answers so far.")
            % {"quiz": attempt.quiz_title},
            _("Resume"),
            attempt.url,
        )
    if board.review_due:
        return NextStep(
            "review",
            _("Your review is due"),
            ngettext(
                "%(count)d question you missed is back, to lock it in.",
                "%(count)d questions you missed are back, to lock them in.",
                board.review_due,
            )
            % {"count": board.review_due},
            _("Start the review"),
            reverse("quizzes:review"),
            post=True,
        )
    for row in board.lessons:
        if row.status == "not-started":
            first = board.is_new
            return NextStep(
                "read",
                _("Start your first lesson") if first else _("Read your next lesson"),
                row.lesson.title,
                _("Start reading") if first else _("Read the lesson"),
                row.lesson.url,
            )
    for row in board.lessons:
        if row.actions_done < row.action_total:
            return NextStep(
                "act",
                _("Take the next civic action"),
                _("%(done)d of %(total)d done for “%(lesson)s”.")
                % {"done": row.actions_done, "total": row.action_total, "lesson": row.lesson.title},
                _("See what you can do"),
                f"{row.lesson.url}#what-you-can-do",
            )
    return NextStep(
        "done",
        _("You are all caught up"),
        _("Every lesson read and every action done. Retake a quiz to keep a topic mastered."),
        _("Browse the lessons"),
        reverse("civics:home"),
    )


# --- The score chart ------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 640, 240
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 52, 596, 16, 200
X_TICKS = 4


@dataclass(frozen=True)
class AxisTick:
    x: float
    label: str

    @property
    def cx(self) -> str:
        return f"{self.x:.1f}"


def _chart(attempts, zone) -> tuple[list[ChartPoint], list[AxisTick]]:
    """The points of the score chart (one per finished attempt: when, percent, quiz title) on a
    time axis in the learner's time zone, and up to four dated ticks under it. A single attempt,
    or several on one day, sit in the middle."""
    if not attempts:
        return [], []
    times = [finished_at.astimezone(zone) for finished_at, _p, _t in attempts]
    start, end = times[0], times[-1]
    span = (end - start).total_seconds()
    width = PLOT_RIGHT - PLOT_LEFT

    def x_of(when: datetime) -> float:
        if span <= 0:
            return PLOT_LEFT + width / 2
        return PLOT_LEFT + width * (when - start).total_seconds() / span

    points = [
        ChartPoint(
            x=x_of(when),
            y=PLOT_BOTTOM - percent * (PLOT_BOTTOM - PLOT_TOP) / 100,
            percent=percent,
            label=f"{date_format(when.date(), 'M j')}, {title}",
            day=when.date(),
        )
        for when, (_f, percent, title) in zip(times, attempts, strict=True)
    ]
    ticks, seen = [], set()
    for index in range(X_TICKS if span > 0 else 1):
        when = start + (end - start) * (index / (X_TICKS - 1) if span > 0 else 0)
        day = when.date()
        if day not in seen:
            seen.add(day)
            ticks.append(AxisTick(x_of(when), date_format(day, "M j")))
    return points, ticks
