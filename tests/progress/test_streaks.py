"""Daily streaks: the plain rule (quizzes/streaks.py) and the dashboard, where the learner's time
zone decides where a day starts."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from civics.progress.dashboard import dashboard_for
from civics.progress.models import ActionTick, LearnerProfile
from civics.progress.streaks import current_streak
from quizzes.models import Answer, Attempt, Quiz
from tests.factories import ActionItemFactory, UserFactory

TODAY = dt.date(2025, 9, 10)
PHOENIX = ZoneInfo("America/Phoenix")  # UTC-7 all year: no daylight saving


def days_ago(*offsets: int) -> set[dt.date]:
    return {TODAY - dt.timedelta(days=n) for n in offsets}


# --- The rule ----------------------------------------------------------------------------


def test_no_activity_is_no_streak():
    assert current_streak([], today=TODAY) == 0


def test_active_today_counts_back_through_consecutive_days():
    assert current_streak(days_ago(0, 1, 2), today=TODAY) == 3


def test_active_today_only_is_a_streak_of_one():
    assert current_streak(days_ago(0), today=TODAY) == 1


def test_idle_today_keeps_the_streak_that_ended_yesterday():
    assert current_streak(days_ago(1, 2, 3, 4), today=TODAY) == 4


def test_a_gap_ends_the_streak():
    assert current_streak(days_ago(0, 1, 3, 4, 5), today=TODAY) == 2
    assert current_streak(days_ago(0, 2), today=TODAY) == 1


def test_idle_today_and_yesterday_is_no_streak():
    assert current_streak(days_ago(2, 3, 4), today=TODAY) == 0


def test_days_after_today_do_not_count():
    future = {TODAY + dt.timedelta(days=1)}

    assert current_streak(future | days_ago(0), today=TODAY) == 1
    assert current_streak(future, today=TODAY) == 0


def test_repeated_days_count_once():
    assert current_streak([TODAY, TODAY, TODAY - dt.timedelta(days=1)], today=TODAY) == 2


# --- On the dashboard, in the learner's time zone ----------------------------------------


@pytest.fixture
def quiz(db) -> Quiz:
    call_command("load_seeds", verbosity=0)
    return Quiz.objects.get(slug="rubio-security-collaboration")


def learner(time_zone: str):
    user = UserFactory()
    LearnerProfile.objects.create(user=user, time_zone=time_zone)
    return user


def answer_at(user, quiz: Quiz, *moments: dt.datetime) -> None:
    """One finished attempt with an answer (to a different question) at each moment."""
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user,
        mode=quiz.mode,
        seed=1,
        started_at=min(moments),
        state=Attempt.State.FINISHED,
        finished_at=max(moments),
    )
    questions = list(quiz.questions.all()[: len(moments)])
    for position, (question, moment) in enumerate(zip(questions, moments, strict=True), 1):
        attempt.slots.create(question=question, position=position)
        Answer.objects.create(
            attempt=attempt, question=question, points=1, is_correct=True, answered_at=moment
        )


def around_phoenix_midnight(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """23:30 and 00:30 in Phoenix either side of its latest midnight at least 30 minutes ago.

    In Phoenix they fall on two consecutive days; in UTC (06:30 and 07:30) on one day.
    """
    local = (now - dt.timedelta(minutes=30)).astimezone(PHOENIX)
    midnight = dt.datetime.combine(local.date(), dt.time(0), tzinfo=PHOENIX)
    return midnight - dt.timedelta(minutes=30), midnight + dt.timedelta(minutes=30)


def test_dashboard_counts_days_in_the_learners_time_zone(client, quiz):
    now = timezone.now()
    late, early = around_phoenix_midnight(now)
    assert late.astimezone(PHOENIX).date() != early.astimezone(PHOENIX).date()
    assert late.astimezone(dt.UTC).date() == early.astimezone(dt.UTC).date()
    in_phoenix, in_utc = learner("America/Phoenix"), learner("UTC")
    for user in (in_phoenix, in_utc):
        answer_at(user, quiz, late, early)

    client.force_login(in_phoenix)
    phoenix_html = client.get("/dashboard/").content.decode()
    client.force_login(in_utc)
    utc_html = client.get("/dashboard/").content.decode()

    streak = re.compile(r'stat__value">(\d+)</span> <span class="stat__label">days? in a row')
    assert streak.search(phoenix_html).group(1) == "2"
    assert streak.search(utc_html).group(1) == "1"


@pytest.mark.django_db
def test_dashboard_streak_at_a_fixed_time_in_both_zones(quiz):
    now = dt.datetime(2025, 9, 10, 19, 0, tzinfo=dt.UTC)  # noon in Phoenix
    late = dt.datetime(2025, 9, 9, 23, 30, tzinfo=PHOENIX)  # 06:30 UTC on the 10th
    early = dt.datetime(2025, 9, 10, 0, 30, tzinfo=PHOENIX)  # 07:30 UTC on the 10th
    in_phoenix, in_utc = learner("America/Phoenix"), learner("UTC")
    for user in (in_phoenix, in_utc):
        answer_at(user, quiz, late, early)

    assert dashboard_for(in_phoenix, now=now).streak == 2
    assert dashboard_for(in_utc, now=now).streak == 1
    # The next Phoenix day, idle so far: the streak that ended yesterday still stands.
    assert dashboard_for(in_phoenix, now=now + dt.timedelta(days=1)).streak == 2
    assert dashboard_for(in_phoenix, now=now + dt.timedelta(days=2)).streak == 0


@pytest.mark.django_db
def test_a_ticked_action_keeps_the_streak_going_like_an_answer(quiz):
    now = dt.datetime(2025, 9, 10, 19, 0, tzinfo=dt.UTC)
    user = learner("America/Phoenix")
    answer_at(user, quiz, dt.datetime(2025, 9, 10, 8, 0, tzinfo=PHOENIX))
    ActionTick.objects.create(
        user=user,
        action=ActionItemFactory(),
        ticked_at=dt.datetime(2025, 9, 9, 22, 0, tzinfo=PHOENIX),  # 05:00 UTC on the 10th
    )
    ActionTick.objects.create(
        user=user,
        action=ActionItemFactory(),
        ticked_at=dt.datetime(2025, 9, 8, 9, 0, tzinfo=PHOENIX),
    )

    assert dashboard_for(user, now=now).streak == 3


@pytest.mark.django_db
def test_a_learner_without_a_profile_counts_days_in_the_site_time_zone(quiz, settings):
    assert settings.TIME_ZONE == "UTC"
    now = dt.datetime(2025, 9, 10, 19, 0, tzinfo=dt.UTC)
    user = UserFactory()
    answer_at(
        user,
        quiz,
        dt.datetime(2025, 9, 9, 23, 30, tzinfo=PHOENIX),
        dt.datetime(2025, 9, 10, 0, 30, tzinfo=PHOENIX),
    )

    assert dashboard_for(user, now=now).streak == 1
