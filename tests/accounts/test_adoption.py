"""Adoption: what a learner did before signing up or logging in (quiz attempts in progress and
finished, checklist ticks with notes) moves to the account, with nothing lost or doubled."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from civics.accounts.services import adopt_anonymous_progress
from civics.content.models import ActionItem
from civics.progress.models import ActionTick
from quizzes.models import Answer, Attempt, Question, Quiz, ReviewItem
from tests.factories import UserFactory
from tests.quizzes.factories import T0, AttemptFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "correct horse battery staple"  # UserFactory's
DAY = dt.timedelta(days=1)


@pytest.fixture
def quizzes() -> dict[str, Quiz]:
    call_command("load_seeds", verbosity=0)
    return {quiz.slug: quiz for quiz in Quiz.objects.all()}


@pytest.fixture
def rubio(quizzes) -> Quiz:
    return quizzes["rubio-security-collaboration"]


@pytest.fixture
def reset(quizzes) -> Quiz:
    return quizzes["us-mexico-reset"]


# --- Doing things through the site, as a browser would -----------------------------------


def start(client, quiz: Quiz) -> Attempt:
    response = client.post(f"/quizzes/{quiz.slug}/start/")
    assert response.status_code == 302, response.content
    return Attempt.objects.get(pk=response["Location"].split("/")[2])


def answer(client, attempt: Attempt, position: int, *, right: bool) -> None:
    slot = attempt.slots.select_related("question").get(position=position)
    assert slot.question.type == Question.Type.SINGLE
    choice = next(c for c in slot.question.choices.all() if (c.fraction > 0) == right)
    response = client.post(
        f"/attempts/{attempt.pk}/questions/{position}/",
        {"seq": slot.sequence, "choice": choice.public_id},
    )
    assert response.status_code == 302, response.content


def finish(client, attempt: Attempt) -> None:
    assert client.post(f"/attempts/{attempt.pk}/finish/").status_code == 302


def tick(client, action: ActionItem, note: str = "") -> None:
    url = f"/lessons/{action.lesson.slug}/actions/{action.pk}/tick/"
    assert client.post(url, {"done": "1", "note": note}).status_code == 302


def checklist(quiz: Quiz) -> list[ActionItem]:
    return list(quiz.lesson.actions.order_by("order"))


def answers_table() -> list[tuple]:
    """Every answer with everything about it, to compare before and after."""
    return [
        (a.pk, a.attempt_id, a.question_id, a.points, a.is_correct, a.answered_at, a.text)
        + (tuple(sorted(a.choices.values_list("pk", flat=True))),)
        for a in Answer.objects.order_by("pk")
    ]


def session_tick_times(client) -> dict[int, dt.datetime]:
    return {
        int(pk): dt.datetime.fromisoformat(data["at"])
        for pk, data in client.session["action_ticks"].items()
    }


def anonymous_work(client, rubio: Quiz, reset: Quiz) -> dict:
    """An attempt in progress (reset), a finished one with a miss (Rubio), two ticks."""
    in_progress = start(client, reset)
    answer(client, in_progress, 1, right=True)
    finished = start(client, rubio)
    answer(client, finished, 1, right=False)
    finish(client, finished)
    called, wrote = checklist(rubio)[:2]
    tick(client, called, note="Called on Tuesday")
    tick(client, wrote)
    return {
        "in_progress": in_progress,
        "finished": finished,
        "called": called,
        "wrote": wrote,
        "tick_times": session_tick_times(client),
    }


SIGNUP = {
    "username": "newcomer",
    "email": "newcomer@example.org",
    "time_zone": "UTC",
    "password1": "Votes count in 2026!",
    "password2": "Votes count in 2026!",
}


# --- Sign up -----------------------------------------------------------------------------


def test_signing_up_moves_attempts_and_ticks_to_the_new_account(client, rubio, reset):
    work = anonymous_work(client, rubio, reset)
    answers_before = answers_table()

    response = client.post("/account/signup/", SIGNUP)

    assert response.status_code == 302
    user = User.objects.get(username="newcomer")
    attempts = {a.pk: (a.user_id, a.anonymous_token, a.state) for a in Attempt.objects.all()}
    assert attempts == {
        work["in_progress"].pk: (user.pk, "", Attempt.State.IN_PROGRESS),
        work["finished"].pk: (user.pk, "", Attempt.State.FINISHED),
    }
    assert answers_table() == answers_before
    ticks = {(t.user_id, t.action_id, t.note, t.ticked_at) for t in ActionTick.objects.all()}
    assert ticks == {
        (user.pk, work["called"].pk, "Called on Tuesday", work["tick_times"][work["called"].pk]),
        (user.pk, work["wrote"].pk, "", work["tick_times"][work["wrote"].pk]),
    }
    assert "learner_token" not in client.session
    assert "action_ticks" not in client.session
    html = client.get(response["Location"]).content.decode()
    assert "Saved to your account: 2 quiz attempt(s) and 2 checklist tick(s)" in html


def test_a_miss_made_before_signing_up_enters_the_review_queue(client, rubio, reset):
    work = anonymous_work(client, rubio, reset)

    client.post("/account/signup/", SIGNUP)

    missed = Answer.objects.get(attempt=work["finished"])
    item = ReviewItem.objects.get()
    assert (item.user.username, item.question_id) == ("newcomer", missed.question_id)
    assert (item.box, item.due_at) == (1, missed.answered_at + DAY)


def test_after_signing_up_the_lesson_page_resumes_the_adopted_attempt(client, rubio, reset):
    work = anonymous_work(client, rubio, reset)
    client.post("/account/signup/", SIGNUP)

    page = client.get(reset.lesson.get_absolute_url()).content.decode()
    resumed = client.post(f"/quizzes/{reset.slug}/start/")

    assert "Resume the quiz" in page
    assert resumed["Location"] == f"/attempts/{work['in_progress'].pk}/"
    assert client.get(resumed["Location"])["Location"] == (
        f"/attempts/{work['in_progress'].pk}/questions/2/"
    )
    assert Attempt.objects.count() == 2
    lesson_html = client.get(rubio.lesson.get_absolute_url()).content.decode()
    assert "2 of 8 done" in lesson_html
    assert "Called on Tuesday" in lesson_html


def test_another_browsers_anonymous_work_is_not_adopted(client, rubio, reset):
    stranger = Client()
    theirs = start(stranger, rubio)
    tick(stranger, checklist(rubio)[5])
    anonymous_work(client, rubio, reset)

    client.post("/account/signup/", SIGNUP)

    theirs.refresh_from_db()
    assert theirs.user is None
    assert theirs.anonymous_token == stranger.session["learner_token"]
    assert not ActionTick.objects.filter(action=checklist(rubio)[5]).exists()
    assert Attempt.objects.filter(user__username="newcomer").count() == 2


def test_a_failed_signup_adopts_nothing_and_keeps_the_session_work(client, rubio, reset):
    anonymous_work(client, rubio, reset)
    token = client.session["learner_token"]

    response = client.post("/account/signup/", {**SIGNUP, "password2": "something else"})

    assert response.status_code == 400
    assert not Attempt.objects.filter(user__isnull=False).exists()
    assert not ActionTick.objects.exists()
    assert client.session["learner_token"] == token
    assert len(client.session["action_ticks"]) == 2


# --- Log in to an account with work of its own -------------------------------------------


@pytest.fixture
def account(rubio, reset):
    """An account that has finished Rubio, has the reset quiz in progress, and has ticked the
    first Rubio action (without a note) and the third (with one)."""
    user = UserFactory(username="returning")
    own = Client()
    own.force_login(user)
    finished = start(own, rubio)
    answer(own, finished, 1, right=True)
    finish(own, finished)
    in_progress = start(own, reset)
    answer(own, in_progress, 1, right=False)
    called, _, third = checklist(rubio)[:3]
    tick(own, called)
    tick(own, third, note="Mine")
    return {
        "user": user,
        "finished": finished,
        "in_progress": in_progress,
        "ticks": {t.action_id: t.ticked_at for t in ActionTick.objects.filter(user=user)},
    }


@pytest.mark.parametrize("newer", ["anonymous", "account"])
def test_logging_in_unites_both_without_duplicates(client, rubio, reset, account, newer):
    work = anonymous_work(client, rubio, reset)
    anonymous_started = work["in_progress"].started_at
    shift = dt.timedelta(minutes=5) if newer == "account" else -dt.timedelta(minutes=5)
    Attempt.objects.filter(pk=account["in_progress"].pk).update(
        started_at=anonymous_started + shift
    )
    answers_before = answers_table()
    attempt_ids = set(Attempt.objects.values_list("pk", flat=True))

    response = client.post("/account/login/", {"username": "returning", "password": PASSWORD})

    assert response.status_code == 302
    user = account["user"]
    assert set(Attempt.objects.values_list("pk", flat=True)) == attempt_ids  # none deleted
    assert not Attempt.objects.exclude(user=user).exists()
    kept, older = work["in_progress"], account["in_progress"]
    if newer == "account":
        kept, older = older, kept
    states = dict(Attempt.objects.values_list("pk", "state"))
    assert states == {
        account["finished"].pk: Attempt.State.FINISHED,
        work["finished"].pk: Attempt.State.FINISHED,
        kept.pk: Attempt.State.IN_PROGRESS,
        older.pk: Attempt.State.ABANDONED,
    }
    assert answers_table() == answers_before

    called, wrote, third = checklist(rubio)[:3]
    ticks = {t.action_id: (t.note, t.ticked_at) for t in ActionTick.objects.filter(user=user)}
    assert ticks == {
        # Ticked both ways: one row, the account's time, the session's note (it had none).
        called.pk: ("Called on Tuesday", account["ticks"][called.pk]),
        wrote.pk: ("", work["tick_times"][wrote.pk]),
        third.pk: ("Mine", account["ticks"][third.pk]),
    }
    assert ActionTick.objects.count() == 3

    # Resuming from the lesson page continues the attempt that was kept.
    resumed = client.post(f"/quizzes/{reset.slug}/start/")
    assert resumed["Location"] == f"/attempts/{kept.pk}/"
    assert Attempt.objects.count() == 4
    html = client.get(response["Location"]).content.decode()
    assert "Saved to your account: 2 quiz attempt(s) and 1 checklist tick(s)" in html


def test_logging_in_again_doubles_nothing(client, rubio, reset, account):
    anonymous_work(client, rubio, reset)
    client.post("/account/login/", {"username": "returning", "password": PASSWORD})
    assert "Saved to your account" in client.get("/dashboard/").content.decode()
    before = (Attempt.objects.count(), ActionTick.objects.count(), answers_table())

    client.post("/account/logout/")
    response = client.post("/account/login/", {"username": "returning", "password": PASSWORD})

    assert response.status_code == 302
    assert (Attempt.objects.count(), ActionTick.objects.count(), answers_table()) == before
    assert "Saved to your account" not in client.get("/dashboard/").content.decode()


def test_a_failed_login_adopts_nothing(client, rubio, reset, account):
    anonymous_work(client, rubio, reset)

    response = client.post("/account/login/", {"username": "returning", "password": "wrong"})

    assert response.status_code == 400
    assert Attempt.objects.filter(user__isnull=True).count() == 2
    assert ActionTick.objects.count() == 2  # the account's own
    assert len(client.session["action_ticks"]) == 2


# --- The service's finer rules -----------------------------------------------------------


def test_an_account_tick_with_a_note_keeps_its_note_and_time(rubio):
    user = UserFactory()
    action = checklist(rubio)[0]
    then = timezone.now() - 3 * DAY
    ActionTick.objects.create(user=user, action=action, note="Mine", ticked_at=then)

    moved = adopt_anonymous_progress(
        user=user,
        token="",
        session_ticks={str(action.pk): {"note": "Theirs", "at": timezone.now().isoformat()}},
        now=timezone.now(),
    )

    assert moved == {"attempts": 0, "ticks": 0, "closed": 0}
    assert ActionTick.objects.get().note == "Mine"
    assert ActionTick.objects.get().ticked_at == then


def test_session_ticks_for_missing_actions_or_with_bad_times_are_handled(rubio):
    user = UserFactory()
    action = checklist(rubio)[0]
    now = timezone.now()

    moved = adopt_anonymous_progress(
        user=user,
        token="",
        session_ticks={
            str(action.pk): {"note": "n" * 300, "at": "not a time"},
            "999999": {"note": "", "at": now.isoformat()},
            "junk": {},
        },
        now=now,
    )

    assert moved == {"attempts": 0, "ticks": 1, "closed": 0}
    tick = ActionTick.objects.get()
    assert (tick.action, tick.note, tick.ticked_at) == (action, "n" * 280, now)


def test_an_empty_token_adopts_no_ones_attempts(rubio):
    Attempt.objects.create(
        quiz=rubio, anonymous_token="someone", mode=rubio.mode, seed=1, started_at=timezone.now()
    )

    moved = adopt_anonymous_progress(
        user=UserFactory(), token="", session_ticks={}, now=timezone.now()
    )

    assert moved == {"attempts": 0, "ticks": 0, "closed": 0}
    assert Attempt.objects.get().user is None


# --- Attempt limits hold across adoption -------------------------------------------------


def limited(quiz: Quiz, limit: int) -> Quiz:
    Quiz.objects.filter(pk=quiz.pk).update(attempt_limit=limit)
    quiz.refresh_from_db()
    return quiz


def test_an_attempt_adopted_at_sign_up_counts_against_the_new_accounts_limit(client, rubio):
    quiz = limited(rubio, 1)
    used = start(client, quiz)
    answer(client, used, 1, right=True)
    finish(client, used)

    assert client.post("/account/signup/", SIGNUP).status_code == 302

    assert Attempt.objects.get(pk=used.pk).user.username == "newcomer"
    response = client.post(f"/quizzes/{quiz.slug}/start/")
    assert response.status_code == 403
    assert "You have used the 1 attempt allowed" in response.content.decode()
    assert Attempt.objects.filter(quiz=quiz).count() == 1


def test_an_adopted_attempt_past_the_limit_is_kept_as_history_but_not_reopened(client, rubio):
    quiz = limited(rubio, 1)
    user = UserFactory(username="returning")
    own = Client()
    own.force_login(user)
    first = start(own, quiz)
    answer(own, first, 1, right=True)
    finish(own, first)
    # Logged out (another browser), the learner starts the same quiz again and answers once.
    second = start(client, quiz)
    answer(client, second, 1, right=False)
    answers_before = answers_table()

    response = client.post("/account/login/", {"username": "returning", "password": PASSWORD})

    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "kept in your history but closed" in html
    second.refresh_from_db()
    assert (second.user, second.state) == (user, Attempt.State.ABANDONED)
    assert answers_table() == answers_before  # the history is all there
    refused = client.post(f"/quizzes/{quiz.slug}/start/")
    assert refused.status_code == 403
    assert client.get(f"/attempts/{second.pk}/").status_code == 302  # to its result, not a question
    assert Attempt.objects.filter(quiz=quiz).count() == 2


def test_an_adopted_attempt_within_the_limit_stays_open_to_resume(client, rubio):
    quiz = limited(rubio, 2)
    user = UserFactory(username="returning")
    own = Client()
    own.force_login(user)
    finish(own, start(own, quiz))
    second = start(client, quiz)
    answer(client, second, 1, right=True)

    client.post("/account/login/", {"username": "returning", "password": PASSWORD})

    second.refresh_from_db()
    assert (second.user, second.state) == (user, Attempt.State.IN_PROGRESS)
    assert client.post(f"/quizzes/{quiz.slug}/start/")["Location"] == f"/attempts/{second.pk}/"
    html = client.get("/dashboard/").content.decode()
    assert "kept in your history but closed" not in html


def test_retries_and_reviews_are_not_limited_when_adopted(rubio):
    quiz = limited(rubio, 1)
    user = UserFactory()
    first = AttemptFactory(
        quiz=quiz, user=user, anonymous_token="", state=Attempt.State.FINISHED, finished_at=T0
    )
    token = "t" * 32
    retry = AttemptFactory(quiz=quiz, anonymous_token=token, retry_of=first)
    review = AttemptFactory(quiz=quiz, anonymous_token=token, is_review=True)

    moved = adopt_anonymous_progress(user=user, token=token, session_ticks={}, now=T0)

    assert moved == {"attempts": 2, "ticks": 0, "closed": 0}
    states = dict(Attempt.objects.filter(user=user).values_list("pk", "state"))
    assert states[retry.pk] == states[review.pk] == Attempt.State.IN_PROGRESS
