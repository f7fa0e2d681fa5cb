"""Single-row rules of the quiz models and the constraints the database enforces."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from quizzes.models import Answer, Attempt, Choice, NumericAnswer, Question, Slot
from tests.factories import UserFactory

from .factories import (
    BUILDERS,
    T0,
    AnswerFactory,
    AttemptFactory,
    ChoiceFactory,
    QuestionFactory,
    QuizFactory,
    SlotFactory,
    quiz_with_every_type,
)

pytestmark = pytest.mark.django_db


def refused(model, fields: dict) -> None:
    """The database refuses to create this row (in a savepoint, so the test can go on)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)


# --- Factories build what the flow needs --------------------------------------------------


@pytest.mark.parametrize("kind", BUILDERS)
def test_each_helper_builds_a_complete_published_question(kind):
    question = BUILDERS[kind](QuizFactory())

    assert question.type == kind
    assert question.is_published and question.quiz.is_published
    assert question.explanation
    assert question.section.lesson == question.quiz.lesson
    keys = {
        "single": question.choices.filter(fraction=1).count() == 1
        and question.choices.count() == 4,
        "multiple": sum(question.choices.values_list("fraction", flat=True)) == 0
        and question.choices.filter(fraction__gt=0).count() == 2,
        "true_false": question.truth is True,
        "short": question.accepted_answers.exists(),
        "numeric": question.numeric_answers.exists(),
        "matching": question.pairs.count() == 3,
    }
    assert keys[kind]


# --- Question and Choice -----------------------------------------------------------------


def test_prompt_and_explanation_are_rendered_once_and_sanitized_on_save():
    question = QuestionFactory(
        prompt="Is **this** <script>alert(1)</script> safe?", explanation="See _why_."
    )

    assert "<strong>this</strong>" in question.prompt_html
    assert "<script>" not in question.prompt_html
    assert "<em>why</em>" in question.explanation_html

    question.prompt = "Now *changed*"
    question.save(update_fields=["prompt"])
    question.refresh_from_db()
    assert "<em>changed</em>" in question.prompt_html


def test_choices_get_distinct_random_public_ids_to_post():
    question = QuestionFactory()
    choices = [ChoiceFactory(question=question) for _ in range(6)]
    ids = [c.public_id for c in choices]

    assert len(set(ids)) == 6
    assert all(len(i) == 12 and int(i, 16) >= 0 for i in ids)
    assert Choice.objects.filter(public_id=ids[0]).get() == choices[0]


def test_a_choice_is_correct_when_it_earns_points():
    assert ChoiceFactory(fraction=1).is_correct
    assert ChoiceFactory(fraction=0.5).is_correct
    assert not ChoiceFactory(fraction=0).is_correct
    assert not ChoiceFactory(fraction=-0.5).is_correct


def test_published_questions_exclude_drafts():
    quiz = QuizFactory()
    published = QuestionFactory(quiz=quiz)
    QuestionFactory(quiz=quiz, is_published=False)

    assert list(quiz.questions.published()) == [published]


def test_numeric_answer_is_a_value_or_a_range_in_order():
    question = QuestionFactory(type=Question.Type.NUMERIC)

    refused(NumericAnswer, {"question": question, "value": 1, "low": 0, "high": 2})
    refused(NumericAnswer, {"question": question, "low": 2, "high": 1})
    refused(NumericAnswer, {"question": question, "low": 2})
    refused(NumericAnswer, {"question": question})
    assert str(NumericAnswer.objects.create(question=question, value=2000, tolerance=100)) == (
        "2000 ± 100"
    )
    assert str(NumericAnswer.objects.create(question=question, low=120, high=140)) == "120–140"
    assert str(NumericAnswer.objects.create(question=question, value=3)) == "3"


# --- Attempt -----------------------------------------------------------------------------


def test_an_attempt_needs_an_account_or_an_anonymous_token():
    quiz = QuizFactory()

    refused(Attempt, {"quiz": quiz, "mode": "practice", "seed": 1, "started_at": T0})
    assert AttemptFactory(quiz=quiz, anonymous_token="abc").pk
    assert AttemptFactory(quiz=quiz, anonymous_token="", user=UserFactory()).pk


def test_a_finished_attempt_has_a_finish_time():
    refused(
        Attempt,
        {
            "quiz": QuizFactory(),
            "anonymous_token": "t",
            "mode": "practice",
            "seed": 1,
            "started_at": T0,
            "state": "finished",
        },
    )


def test_finish_sets_state_and_time_together_once():
    attempt = AttemptFactory()
    done = T0 + dt.timedelta(minutes=5)

    assert attempt.finish(done) is True
    assert attempt.finish(done + dt.timedelta(minutes=1)) is False

    attempt.refresh_from_db()
    assert (attempt.state, attempt.finished_at) == (Attempt.State.FINISHED, done)
    assert not attempt.is_in_progress


def test_an_attempt_is_overdue_from_its_deadline_on():
    attempt = AttemptFactory.build(deadline=T0 + dt.timedelta(minutes=10))

    assert not attempt.is_overdue(T0 + dt.timedelta(minutes=9, seconds=59))
    assert attempt.is_overdue(T0 + dt.timedelta(minutes=10))
    assert not AttemptFactory.build(deadline=None).is_overdue(T0 + dt.timedelta(days=9))


def test_owned_by_gives_an_account_its_attempts_and_a_session_its_own():
    user = UserFactory()
    mine = AttemptFactory(user=user, anonymous_token="")
    anonymous = AttemptFactory(anonymous_token="token-a")
    AttemptFactory(anonymous_token="token-b")
    # An attempt of an account that also carries a token is not the anonymous session's.
    AttemptFactory(user=UserFactory(), anonymous_token="token-a")

    assert list(Attempt.objects.owned_by(user=user, token="token-a")) == [mine]
    assert list(Attempt.objects.owned_by(user=AnonymousUser(), token="token-a")) == [anonymous]
    assert not Attempt.objects.owned_by(user=AnonymousUser(), token="").exists()


def test_primary_attempts_are_neither_retries_nor_reviews_in_the_database_and_in_memory():
    user = UserFactory()
    primary = AttemptFactory(
        user=user, anonymous_token="", state=Attempt.State.FINISHED, finished_at=T0
    )
    retry = AttemptFactory(user=user, anonymous_token="", retry_of=primary)
    review = AttemptFactory(user=user, anonymous_token="", quiz=primary.quiz, is_review=True)

    assert list(Attempt.objects.primary()) == [primary]
    assert [a.is_primary for a in (primary, retry, review)] == [True, False, False]


def test_choice_order_is_fixed_by_the_seed_and_differs_between_seeds():
    quiz = quiz_with_every_type(shuffle_choices=True)
    question = quiz.questions.get(type="single")
    for n in range(4):
        ChoiceFactory(question=question, text=f"Extra {n}")
    choices = list(question.choices.all())

    orders = {
        tuple(c.pk for c in AttemptFactory.build(quiz=quiz, seed=s).choice_order(question, choices))
        for s in range(1, 30)
    }
    same = AttemptFactory.build(quiz=quiz, seed=7)

    assert same.choice_order(question, choices) == same.choice_order(question, choices)
    assert len(orders) > 1


def test_choices_keep_their_order_without_shuffling_and_for_true_false():
    quiz = quiz_with_every_type(shuffle_choices=False)
    question = quiz.questions.get(type="single")
    choices = list(question.choices.all())
    attempt = AttemptFactory.build(quiz=quiz, seed=99)

    assert attempt.choice_order(question, choices) == choices
    shuffling = AttemptFactory.build(quiz=QuizFactory(shuffle_choices=True), seed=99)
    true_false = quiz.questions.get(type="true_false")
    assert shuffling.choice_order(true_false, ["True", "False"]) == ["True", "False"]


# --- Slots and answers -------------------------------------------------------------------


def test_a_question_and_a_position_appear_once_per_attempt():
    slot = SlotFactory(position=1)
    other = QuestionFactory(quiz=slot.attempt.quiz)

    refused(Slot, {"attempt": slot.attempt, "question": slot.question, "position": 2})
    refused(Slot, {"attempt": slot.attempt, "question": other, "position": 1})


def test_an_attempt_has_one_answer_per_question():
    answer = AnswerFactory()

    refused(
        Answer,
        {
            "attempt": answer.attempt,
            "question": answer.question,
            "points": 0,
            "is_correct": False,
            "answered_at": T0,
        },
    )
    assert Answer.objects.count() == 1


@pytest.mark.parametrize("points", [-0.01, 1.01])
def test_answer_points_stay_between_0_and_1(points):
    attempt = AttemptFactory()
    question = QuestionFactory(quiz=attempt.quiz)

    refused(
        Answer,
        {
            "attempt": attempt,
            "question": question,
            "points": points,
            "is_correct": False,
            "answered_at": T0,
        },
    )
