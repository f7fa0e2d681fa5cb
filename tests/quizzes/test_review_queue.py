"""The review queue: missed questions enter Leitner box 1, come due, and "Review N due
questions" runs a practice attempt over them whose answers move the boxes."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from quizzes import services
from quizzes.models import Answer, Attempt, Question, Quiz, ReviewItem
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
T0 = dt.datetime(2025, 9, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def quizzes() -> dict[str, Quiz]:
    call_command("load_seeds", verbosity=0)
    return {quiz.slug: quiz for quiz in Quiz.objects.all()}


@pytest.fixture
def rubio(quizzes) -> Quiz:
    return quizzes["rubio-security-collaboration"]


@pytest.fixture
def learner(client):
    user = UserFactory()
    client.force_login(user)
    return user


def singles(quiz: Quiz) -> list[Question]:
    """The quiz's single-choice questions, in quiz order."""
    return list(quiz.questions.filter(type=Question.Type.SINGLE).order_by("order", "pk"))


def start(client, quiz: Quiz) -> Attempt:
    response = client.post(f"/quizzes/{quiz.slug}/start/")
    assert response.status_code == 302, response.content
    return Attempt.objects.get(pk=response["Location"].split("/")[2])


def answer(client, attempt: Attempt, position: int, *, right: bool):
    """Answer a single-choice question of ``attempt`` right or wrong, as the form would."""
    slot = attempt.slots.select_related("question").get(position=position)
    assert slot.question.type == Question.Type.SINGLE
    choice = next(c for c in slot.question.choices.all() if (c.fraction > 0) == right)
    response = client.post(
        f"/attempts/{attempt.pk}/questions/{position}/",
        {"seq": slot.sequence, "choice": choice.public_id},
    )
    assert response.status_code == 302, response.content
    return Answer.objects.get(attempt=attempt, question=slot.question)


def queue(user) -> dict[int, tuple[int, dt.datetime]]:
    return {r.question_id: (r.box, r.due_at) for r in ReviewItem.objects.filter(user=user)}


# --- Entering the queue ------------------------------------------------------------------


def test_a_missed_question_enters_box_1_due_a_day_later(client, learner, rubio):
    attempt = start(client, rubio)

    missed = answer(client, attempt, 1, right=False)

    assert queue(learner) == {missed.question_id: (1, missed.answered_at + DAY)}


def test_a_question_answered_right_the_first_time_is_not_queued(client, learner, rubio):
    attempt = start(client, rubio)

    answer(client, attempt, 1, right=True)

    assert not ReviewItem.objects.exists()


def test_anonymous_answers_enter_no_queue(client, rubio):
    attempt = start(client, rubio)

    answer(client, attempt, 1, right=False)

    assert not ReviewItem.objects.exists()


# --- Coming due on the dashboard ---------------------------------------------------------


def test_the_dashboard_offers_the_review_once_the_question_is_due(client, learner, rubio):
    answer(client, start(client, rubio), 1, right=False)

    before = client.get("/dashboard/").content.decode()

    assert '<span class="stat__value">0</span> <span class="stat__label">questions due' in before
    assert 'action="/review/start/"' not in before

    ReviewItem.objects.update(due_at=timezone.now() - dt.timedelta(minutes=1))
    after = client.get("/dashboard/").content.decode()

    assert '<span class="stat__value">1</span> <span class="stat__label">question due' in after
    # The open quiz is the next step; the due review is offered beside its count.
    assert "Review now</button>" in after
    assert '<form method="post" action="/review/start/"' in after


def test_the_dashboard_counts_only_due_questions_of_published_quizzes(client, learner, rubio):
    first, second, third = singles(rubio)[:3]
    now = timezone.now()
    for question, due in [(first, now - DAY), (second, now - DAY), (third, now + DAY)]:
        ReviewItem.objects.create(
            user=learner, question=question, box=1, due_at=due, updated_at=now
        )
    Question.objects.filter(pk=second.pk).update(is_published=False)

    html = client.get("/dashboard/").content.decode()

    assert "1 question you missed is back" in html
    assert "Start the review</button>" in html


# --- The review session ------------------------------------------------------------------


@pytest.fixture
def due_items(learner, quizzes):
    """Two due questions in the Rubio quiz, one not yet due there, and one due in the other
    quiz but less overdue; returns the due Rubio questions, most overdue first."""
    rubio, reset = quizzes["rubio-security-collaboration"], quizzes["us-mexico-reset"]
    q1, q2, q3 = singles(rubio)[:3]
    now = timezone.now()
    rows = [
        (q1, 2, now - 3 * DAY),
        (q2, 3, now - DAY),
        (q3, 1, now + DAY),
        (singles(reset)[0], 1, now - 2 * DAY),
    ]
    for question, box, due in rows:
        ReviewItem.objects.create(
            user=learner, question=question, box=box, due_at=due, updated_at=now - 10 * DAY
        )
    return [q1, q2]


def test_review_runs_a_practice_attempt_over_exactly_the_due_questions(client, due_items):
    response = client.post("/review/start/")

    attempt = Attempt.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/attempts/{attempt.pk}/"
    assert attempt.is_review
    assert attempt.mode == Quiz.Mode.PRACTICE
    assert attempt.quiz.slug == "rubio-security-collaboration"  # the most overdue quiz
    slots = list(attempt.slots.order_by("position").values_list("question_id", flat=True))
    assert slots == [q.pk for q in due_items]


def test_review_answers_move_the_boxes(client, learner, due_items):
    client.post("/review/start/")
    attempt = Attempt.objects.get()

    right = answer(client, attempt, 1, right=True)  # was box 2
    wrong = answer(client, attempt, 2, right=False)  # was box 3

    items = queue(learner)
    assert items[right.question_id] == (3, right.answered_at + 7 * DAY)
    assert items[wrong.question_id] == (1, wrong.answered_at + DAY)


def test_starting_the_review_again_resumes_the_open_one(client, due_items):
    first = client.post("/review/start/")["Location"]

    again = client.post("/review/start/")["Location"]

    assert first == again
    assert Attempt.objects.count() == 1


def test_an_open_review_does_not_take_the_place_of_the_quiz_itself(client, rubio, due_items):
    client.post("/review/start/")
    review = Attempt.objects.get()

    attempt = start(client, rubio)

    assert attempt != review
    assert not attempt.is_review
    assert attempt.slots.count() == 14


def test_a_finished_review_is_not_listed_among_the_quiz_attempts(client, learner, due_items):
    client.post("/review/start/")
    review = Attempt.objects.get()
    answer(client, review, 1, right=True)
    answer(client, review, 2, right=True)
    client.post(f"/attempts/{review.pk}/finish/")

    html = client.get("/dashboard/").content.decode()

    assert 'class="quiz-score"' not in html  # a review is not a quiz attempt
    assert "1 question you missed is back" in html  # the other quiz's question is still due


def test_nothing_due_refuses_to_start_a_review(client, learner, rubio):
    response = client.post("/review/start/")

    assert response.status_code == 400
    assert "No questions are due for review." in response.content.decode()
    assert not Attempt.objects.exists()


def test_review_start_needs_a_login_and_a_post(client, rubio):
    response = client.post("/review/start/")

    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/review/start/"
    client.force_login(UserFactory())
    assert client.get("/review/start/").status_code == 405
    assert not Attempt.objects.exists()


# --- The services with an injected clock -------------------------------------------------


def test_moving_the_clock_through_the_services(rubio):
    user = UserFactory()
    question = singles(rubio)[0]

    def review(correct: bool, now: dt.datetime) -> tuple[int, dt.datetime]:
        item = services.update_review(
            user_id=user.pk, question_id=question.pk, correct=correct, now=now
        )
        return item.box, item.due_at

    assert (
        services.update_review(user_id=user.pk, question_id=question.pk, correct=True, now=T0)
        is None
    )
    assert review(False, T0) == (1, T0 + DAY)
    assert review(True, T0 + 12 * dt.timedelta(hours=1)) == (1, T0 + DAY)  # not due yet
    assert review(True, T0 + DAY) == (2, T0 + 4 * DAY)
    assert review(True, T0 + 4 * DAY) == (3, T0 + 11 * DAY)
    assert review(False, T0 + 5 * DAY) == (1, T0 + 6 * DAY)  # wrong even when not due
    assert ReviewItem.objects.count() == 1

    with pytest.raises(services.NothingToPractise):
        services.start_review(user=user, now=T0 + 6 * DAY - dt.timedelta(seconds=1))
    attempt = services.start_review(user=user, now=T0 + 6 * DAY)
    assert attempt.is_review
    assert list(attempt.slots.values_list("question_id", flat=True)) == [question.pk]
