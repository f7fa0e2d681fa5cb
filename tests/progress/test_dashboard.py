"""The signed-in learner's dashboard: what it shows, and a fixed number of queries."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from civics.content.models import Lesson
from civics.progress.models import ActionTick, LearnerProfile, LessonRead
from quizzes.models import Answer, Attempt, Quiz, ReviewItem, Slot
from tests.factories import ActionItemFactory, LessonFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD_QUERIES = 8
"""Session and user, then the dashboard's own six: the content version, the learner's facts
(time zone and review count), and one query each for the learner's answers, attempts (finished
and open), lesson reads and ticks."""
CATALOG_QUERIES = 6
"""The first view in a content version builds the shared catalog: topics, lessons, lesson topics,
published questions, actions, quizzes."""


@pytest.fixture
def quizzes() -> dict[str, Quiz]:
    call_command("load_seeds", verbosity=0)
    return {quiz.slug: quiz for quiz in Quiz.objects.all()}


@pytest.fixture
def learner(client):
    user = UserFactory()
    LearnerProfile.objects.create(user=user, time_zone="UTC")
    client.force_login(user)
    return user


def finished_attempts(user, quiz: Quiz, plan: list[tuple[int, dt.datetime]]) -> list[Attempt]:
    """One finished attempt per (questions right, time) in ``plan``, every question answered
    (the first ``right`` of them right), created in bulk."""
    questions = list(quiz.questions.order_by("order", "pk"))
    attempts = Attempt.objects.bulk_create(
        Attempt(
            quiz=quiz,
            user=user,
            mode=quiz.mode,
            seed=1,
            state=Attempt.State.FINISHED,
            started_at=at - dt.timedelta(minutes=10),
            finished_at=at,
        )
        for _, at in plan
    )
    slots, answers = [], []
    for attempt, (right, at) in zip(attempts, plan, strict=True):
        for position, question in enumerate(questions, start=1):
            slots.append(Slot(attempt=attempt, question=question, position=position))
            correct = position <= right
            answers.append(
                Answer(
                    attempt=attempt,
                    question=question,
                    points=1 if correct else 0,
                    is_correct=correct,
                    answered_at=at,
                )
            )
    Slot.objects.bulk_create(slots)
    Answer.objects.bulk_create(answers)
    return attempts


def row(html: str, header: str) -> str:
    """The list item (a topic's mastery, a quiz's scores, a lesson's status) named ``header``."""
    match = re.search(
        rf'<li class="(?:mastery|quiz-score|lesson-row)">\s*<(?:a|span) [^>]*>'
        rf"{re.escape(header)}</(?:a|span)>.*?</li>",
        html,
        re.S,
    )
    assert match, f"no row for {header!r}"
    return match.group(0)


# --- Access ------------------------------------------------------------------------------


def test_dashboard_needs_a_login(client):
    response = client.get("/dashboard/")

    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/dashboard/"


def test_a_new_learner_sees_an_empty_dashboard(client, learner, quizzes):
    html = client.get("/dashboard/").content.decode()

    # A welcome and a first step instead of a wall of zeros.
    assert "Welcome to CivicPath" in html
    assert "Start your first lesson" in html
    assert 'class="stat__value"' not in html
    assert "How CivicPath works" in html
    assert "Finish a quiz and your score shows here" in html
    assert 'class="quiz-score"' not in html
    assert 'level--not-started">Not started</span>' in row(html, "Trade")
    assert "Not started" in row(html, "Resetting U.S.–Mexico relations")


# --- What it shows -----------------------------------------------------------------------


@pytest.fixture
def progress(learner, quizzes):
    """Rubio: 7 of 14 two days ago, 14 of 14 yesterday (mastered: all right on a later day);
    U.S.–Mexico reset: 20 of 26 today (passed, one sitting); a third lesson read; a fourth
    untouched; 3 of Rubio's 8 actions ticked; 2 questions due for review."""
    rubio, reset = quizzes["rubio-security-collaboration"], quizzes["us-mexico-reset"]
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    finished_attempts(learner, rubio, [(7, today - dt.timedelta(hours=36))])
    finished_attempts(learner, rubio, [(14, today - dt.timedelta(hours=12))])
    finished_attempts(learner, reset, [(20, today)])
    read = LessonFactory(title="A lesson only read")
    LessonRead.objects.create(user=learner, lesson=read, read_at=today)
    LessonFactory(title="A lesson never opened")
    for action in rubio.lesson.actions.all()[:3]:
        ActionTick.objects.create(user=learner, action=action, ticked_at=today)
    for question in reset.questions.all()[:2]:
        ReviewItem.objects.create(
            user=learner, question=question, box=1, due_at=today, updated_at=today
        )
    return learner


def test_dashboard_shows_the_level_per_topic(client, progress):
    html = client.get("/dashboard/").content.decode()

    # The U.S.–Mexico reset lesson also has an exam (13 questions) this learner has not taken,
    # so its topics count 13 unanswered questions more: coverage 40 of 53 and 26 of 39.
    expected = {
        "Government": ("mastered", "Mastered", "14 of 14", "100%"),
        "Drug Policy": ("familiar", "Familiar", "40 of 53", "85%"),
        "Foreign Policy": ("familiar", "Familiar", "40 of 53", "85%"),
        "Trade": ("familiar", "Familiar", "26 of 39", "77%"),
        "Immigration": ("familiar", "Familiar", "26 of 39", "77%"),
    }
    for topic, (slug, label, answered, accuracy) in expected.items():
        cells = row(html, topic)
        assert f'level level--{slug}">{label}</span>' in cells, topic
        assert f'class="mastery-meter mastery-meter--{slug}"' in cells, topic
        assert f"{answered} questions answered · {accuracy} right" in cells, topic


def test_dashboard_shows_each_lessons_status_and_checklist(client, progress):
    html = client.get("/dashboard/").content.decode()

    expected = {
        "Rubio and Mexico widen security cooperation": ("mastered", "3 of 8"),
        "Resetting U.S.–Mexico relations": ("passed", "0 of 8"),
        "A lesson only read": ("read", "0 of 0"),
        "A lesson never opened": ("not-started", "0 of 0"),
    }
    labels = {
        "mastered": "Mastered",
        "passed": "Quiz passed",
        "read": "Read",
        "not-started": "Not started",
    }
    lessons = {lesson.title: lesson for lesson in Lesson.objects.all()}
    assert set(lessons) == set(expected), "the seeded lesson titles changed"
    for title, (status, done) in expected.items():
        cells = row(html, title)
        assert f'<span class="level level--{status}">{labels[status]}</span>' in cells, title
        assert f'#what-you-can-do">{done} actions done</a>' in cells, title
    assert '<span class="stat__value">3 of 16</span>' in html


def test_dashboard_shows_attempts_and_best_score_per_quiz(client, progress, quizzes):
    html = client.get("/dashboard/").content.decode()

    rubio = row(html, quizzes["rubio-security-collaboration"].title)
    assert "2 attempts · best 100% · latest 100%" in rubio
    assert "Passed</span>" in rubio
    reset = row(html, quizzes["us-mexico-reset"].title)
    assert "1 attempt · best 76.9% · latest 76.9%" in reset
    assert "Passed</span>" in reset


def test_dashboard_chart_is_an_svg_with_a_title_a_description_and_a_table(client, progress):
    html = client.get("/dashboard/").content.decode()

    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-svg-title chart-svg-desc"' in svg
    assert '<title id="chart-svg-title">Quiz scores over time</title>' in svg
    assert "Your last 3 finished attempts, from 50% to 76.9%." in svg
    assert svg.count("<circle") == 3
    assert "<polyline" in svg
    table = re.search(r"<summary>Scores as a table</summary>.*?</table>", html, re.S).group(0)
    scores = re.findall(r"<td>([\d.]+%)</td></tr>", table)
    assert scores == ["50%", "100%", "76.9%"]  # oldest first, as in the chart


def test_dashboard_shows_the_review_count_and_the_streak(client, progress):
    html = client.get("/dashboard/").content.decode()

    assert "Your review is due" in html
    assert "2 questions you missed are back" in html
    assert 'action="/review/start/"' in html and "Start the review</button>" in html
    assert "3-day streak" in html
    assert '<span class="stat__value">2</span> <span class="stat__label">questions due' in html
    assert '<span class="stat__value">3</span> <span class="stat__label">days in a row' in html


def test_dashboard_shows_only_the_learners_own_progress(client, progress, quizzes):
    stranger = UserFactory()
    client.force_login(stranger)

    html = client.get("/dashboard/").content.decode()

    assert "Welcome to CivicPath" in html
    assert "Your review is due" not in html
    assert 'class="quiz-score"' not in html
    assert "streak" not in html


def test_in_progress_and_abandoned_attempts_are_not_scored(client, learner, quizzes):
    rubio = quizzes["rubio-security-collaboration"]
    attempt = finished_attempts(learner, rubio, [(14, timezone.now())])[0]
    Attempt.objects.filter(pk=attempt.pk).update(state=Attempt.State.IN_PROGRESS, finished_at=None)
    abandoned = finished_attempts(learner, rubio, [(14, timezone.now())])[0]
    Attempt.objects.filter(pk=abandoned.pk).update(state=Attempt.State.ABANDONED)

    html = client.get("/dashboard/").content.decode()

    assert 'class="quiz-score"' not in html
    assert "<circle" not in html  # nothing on the chart
    assert "Pick up where you left off" in html  # the open one is the next step


# --- A fixed number of queries -----------------------------------------------------------


@pytest.mark.parametrize(("attempts", "extra_lessons", "open_reviews"), [(1, 0, 0), (200, 6, 12)])
def test_dashboard_runs_a_fixed_number_of_queries(
    client, learner, quizzes, django_assert_num_queries, attempts, extra_lessons, open_reviews
):
    rubio, reset = quizzes["rubio-security-collaboration"], quizzes["us-mexico-reset"]
    start = timezone.now() - dt.timedelta(days=attempts)
    plan = [(n % 15, start + dt.timedelta(days=n)) for n in range(attempts)]
    finished_attempts(learner, rubio, plan[::2])
    finished_attempts(learner, reset, plan[1::2])
    topic = TopicFactory()
    for _ in range(extra_lessons):
        lesson = LessonFactory(topics=[topic])
        action = ActionItemFactory(lesson=lesson)
        ActionTick.objects.create(user=learner, action=action, ticked_at=start)
        LessonRead.objects.create(user=learner, lesson=lesson, read_at=start)
    for action in rubio.lesson.actions.all()[:3]:
        ActionTick.objects.create(user=learner, action=action, ticked_at=start)
    ReviewItem.objects.create(
        user=learner, question=rubio.questions.first(), box=1, due_at=start, updated_at=start
    )
    for n in range(open_reviews):  # more than the resume list shows
        Attempt.objects.create(
            user=learner,
            quiz=rubio,
            mode=rubio.mode,
            seed=1,
            is_review=True,
            started_at=start + dt.timedelta(hours=n),
        )

    with django_assert_num_queries(DASHBOARD_QUERIES + CATALOG_QUERIES):
        first = client.get("/dashboard/")
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get("/dashboard/")

    def without_tokens(page):  # CSRF tokens are masked afresh on every response
        return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", page.content.decode())

    assert without_tokens(first) == without_tokens(response)

    assert response.status_code == 200
    assert Attempt.objects.filter(user=learner).count() == attempts + open_reviews
    html = response.content.decode()
    assert html.count("<circle") == min(attempts, 20)
    assert '<span class="stat__value">1</span> <span class="stat__label">question due for' in html
    assert html.count("review session</li>") == min(open_reviews, 10)
    assert f"{3 + extra_lessons} of {16 + extra_lessons}</span>" in html


def test_dashboard_links_to_the_attempts_in_progress(client):
    """A practice retry left half done (or any open attempt) can be resumed from the dashboard."""
    from django.core.management import call_command

    call_command("load_seeds", verbosity=0)
    learner = UserFactory()
    quiz = Quiz.objects.get(slug="rubio-security-collaboration")
    from quizzes import services

    attempt = services.start_attempt(quiz=quiz, user=learner, token="", now=dt.datetime.now(dt.UTC))
    client.force_login(learner)

    page = client.get("/dashboard/").content.decode()

    assert "Pick up where you left off" in page
    assert f'href="/attempts/{attempt.pk}/"' in page


def test_content_changed_after_a_view_shows_on_the_next_one(client, progress, quizzes):
    """The shared catalog is cached per content version; an educator's change makes a new one."""
    before = client.get("/dashboard/").content.decode()
    assert "A lesson published later" not in before
    assert "3 of 16" in before

    LessonFactory(title="A lesson published later")
    reset = quizzes["us-mexico-reset"]
    reset.lesson.actions.first().delete()
    question = reset.questions.order_by("order").last()
    question.is_published = False
    question.save()

    after = client.get("/dashboard/").content.decode()
    assert "not-started" in row(after, "A lesson published later")
    assert '<span class="stat__value">3 of 15</span>' in after
    assert "25 of 38 questions answered" in row(after, "Trade")  # was 26 of 39 (with the exam)


def test_the_resume_list_names_each_kind_of_open_attempt_newest_first(client, learner, quizzes):
    rubio, reset = quizzes["rubio-security-collaboration"], quizzes["us-mexico-reset"]
    day = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
    finished = finished_attempts(learner, rubio, [(3, day - dt.timedelta(days=3))])[0]
    open_attempts = {
        "quiz": dict(quiz=reset, started_at=day - dt.timedelta(days=1)),
        "review": dict(quiz=rubio, is_review=True, started_at=day),
        "retry": dict(quiz=rubio, retry_of=finished, started_at=day - dt.timedelta(days=2)),
    }
    made = {
        kind: Attempt.objects.create(
            user=learner, mode=fields["quiz"].mode, seed=1, anonymous_token="", **fields
        )
        for kind, fields in open_attempts.items()
    }

    html = client.get("/dashboard/").content.decode()
    section = html[html.index("Pick up where you left off") : html.index("Mastery by topic")]

    items = re.findall(r'<li><a href="/attempts/(\d+)/">Resume ([^<]+)</a> — ([^<]+)</li>', section)
    assert items == [
        (str(made["review"].pk), rubio.title, "review session"),
        (str(made["quiz"].pk), reset.title, "started Mar 1"),
        (str(made["retry"].pk), rubio.title, "practising what you missed"),
    ]


# --- Next step and the chart's axes -------------------------------------------------------


def test_the_next_step_goes_resume_then_review_then_read_then_act(client, learner, quizzes):
    rubio, reset = quizzes["rubio-security-collaboration"], quizzes["us-mexico-reset"]
    now = timezone.now()

    def step(html):
        card = re.search(r'<section class="next-step next-step--(\w+)".*?</section>', html, re.S)
        return card.group(1), card.group(0)

    kind, card = step(client.get("/dashboard/").content.decode())
    assert kind == "read" and "Start your first lesson" in card  # a new account

    for lesson in Lesson.objects.all():
        LessonRead.objects.create(user=learner, lesson=lesson, read_at=now)
    kind, card = step(client.get("/dashboard/").content.decode())
    assert kind == "act" and "0 of 8 done for" in card and "#what-you-can-do" in card

    ReviewItem.objects.create(
        user=learner, question=reset.questions.first(), box=1, due_at=now, updated_at=now
    )
    kind, card = step(client.get("/dashboard/").content.decode())
    assert kind == "review" and "1 question you missed is back" in card

    attempt = Attempt.objects.create(
        user=learner, quiz=rubio, mode=rubio.mode, seed=1, started_at=now
    )
    kind, card = step(client.get("/dashboard/").content.decode())
    assert kind == "resume" and f'href="/attempts/{attempt.pk}/"' in card
    assert rubio.title in card

    attempt.delete()
    ReviewItem.objects.all().delete()
    for lesson in Lesson.objects.all():
        for action in lesson.actions.all():
            ActionTick.objects.create(user=learner, action=action, ticked_at=now)
    kind, card = step(client.get("/dashboard/").content.decode())
    assert kind == "done" and "You are all caught up" in card


def test_the_chart_has_dated_axes_and_a_legend(client, learner, quizzes):
    rubio = quizzes["rubio-security-collaboration"]
    days = [dt.datetime(2026, 11, d, 15, 0, tzinfo=dt.UTC) for d in (2, 9, 23)]
    finished_attempts(learner, rubio, [(7, days[0]), (10, days[1]), (14, days[2])])

    html = client.get("/dashboard/").content.decode()

    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    for percent in ("100%", "75%", "50%", "25%", "0%"):
        assert f'text-anchor="end">{percent}</text>' in svg
    dates = re.findall(r'<text class="chart__label" x="[\d.]+" y="224"[^>]*>([^<]+)</text>', svg)
    assert dates[0] == "Nov 2" and dates[-1] == "Nov 23"
    assert len(dates) == 4  # evenly spaced in time, each a distinct day
    # The dots sit by date: the gap from the 2nd to the 23rd is twice the one from the 2nd to 9th.
    xs = [float(x) for x in re.findall(r'<circle class="chart__dot" cx="([\d.]+)"', svg)]
    assert round((xs[2] - xs[1]) / (xs[1] - xs[0]), 1) == 2.0
    assert "A finished quiz (your score)" in html and "Your scores in order" in html


def test_a_single_attempt_sits_mid_chart_with_its_date(client, learner, quizzes):
    rubio = quizzes["rubio-security-collaboration"]
    finished_attempts(learner, rubio, [(7, dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC))])

    html = client.get("/dashboard/").content.decode()

    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert svg.count("<circle") == 1
    assert '<circle class="chart__dot" cx="324.0"' in svg  # the middle of the plot
    assert ">Nov 2</text>" in svg
    assert "<polyline" not in svg
    assert "Your last finished attempt: 50%." in svg
