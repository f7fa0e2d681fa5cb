"""``manage.py load_demo``: a demo learner whose week of history makes every part of the
dashboard show (a mastered topic, due reviews, a streak, a dated score chart) and a demo
educator; idempotent; refused with DEBUG off unless --force."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from civics.progress.dashboard import dashboard_for
from civics.progress.management.commands import load_demo
from civics.progress.mastery import Level
from civics.progress.models import ActionTick, LessonRead
from quizzes.models import Answer, Attempt, ReviewItem

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("load_seeds", verbosity=0)


def run(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def rows() -> dict[str, int]:
    models = (User, Attempt, Answer, ReviewItem, ActionTick, LessonRead)
    return {model.__name__: model.objects.count() for model in models}


def test_the_demo_learners_dashboard_shows_mastery_reviews_a_streak_and_a_chart(seeded):
    run()
    learner = User.objects.get(username=load_demo.LEARNER)

    board = dashboard_for(learner, now=timezone.now())

    levels = {topic.title: mastery.level for topic, mastery in board.topics}
    assert levels["Government"] == Level.MASTERED
    assert {Level.MASTERED, Level.FAMILIAR} <= set(levels.values())
    assert "mastered" in {lesson.status for lesson in board.lessons}
    assert board.review_due > 0
    assert board.streak >= 6
    assert len(board.chart) == 5
    assert len({point.label.split(",")[0] for point in board.chart}) == 5  # five dates
    assert "U.S.–Mexico reset exam" in {q.quiz_title for q in board.quizzes}
    assert board.actions_done == 3


def test_the_demo_history_is_made_of_real_attempts_on_past_days(seeded):
    run()
    learner = User.objects.get(username=load_demo.LEARNER)
    attempts = Attempt.objects.filter(user=learner)
    today = timezone.localdate()

    assert attempts.count() == 5
    assert all(a.state == Attempt.State.FINISHED for a in attempts)
    assert {a.started_at.date() for a in attempts} <= {
        today - dt.timedelta(days=n) for n in range(8)
    }
    assert len({a.started_at.date() for a in attempts}) == 5
    exam = attempts.get(quiz__slug="us-mexico-reset-exam")
    assert exam.mode == "exam" and exam.deadline is not None
    assert exam.finished_at <= exam.deadline
    # every slot answered, graded by the engine: the first ones right, the rest wrong
    for attempt in attempts:
        assert attempt.answers.count() == attempt.slots.count()


def test_the_printed_sign_ins_work(seeded, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    output = run()

    learner = re.search(r"username (\S+)\s+password (\S+)\n\s+then", output).groups()
    educator = re.search(r"educator\s+/admin/\s+username (\S+)\s+password (\S+)", output).groups()
    assert learner == (load_demo.LEARNER, load_demo.LEARNER_PASSWORD)
    assert educator == (load_demo.EDUCATOR, load_demo.EDUCATOR_PASSWORD)

    client = Client()
    response = client.post(
        "/account/login/", dict(zip(("username", "password"), learner, strict=True))
    )
    assert response["Location"] == "/dashboard/"
    html = client.get("/dashboard/").content.decode()
    assert "Mastered" in html and "days in a row" in html

    staff = Client()
    assert staff.login(username=educator[0], password=educator[1])
    assert staff.get("/admin/").status_code == 200
    account = User.objects.get(username=load_demo.EDUCATOR)
    assert account.is_staff and not account.is_superuser
    assert list(account.groups.values_list("name", flat=True)) == ["Educators"]


def test_running_it_twice_changes_nothing_and_says_so(seeded):
    run()
    before = rows()

    output = run()

    assert rows() == before
    assert "Nothing changed" in output
    assert "created" not in output
    assert f"username {load_demo.LEARNER}" in output  # still says how to sign in


def test_it_is_refused_with_debug_off_unless_forced(seeded, settings):
    settings.DEBUG = False
    before = rows()

    with pytest.raises(CommandError, match="only with DEBUG on.*--force"):
        run()

    assert rows() == before
    assert "Demo accounts ready." in run("--force")
    assert User.objects.filter(username=load_demo.LEARNER).exists()


def test_without_the_seeds_it_says_to_load_them_and_creates_nothing(settings):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="load_seeds"):
        run()

    assert not User.objects.exists()
