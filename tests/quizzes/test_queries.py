"""The quiz pages run a fixed number of queries whatever the number of questions, and an answer
is written in one transaction."""

import itertools
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes import services
from quizzes.forms import AnswerForm
from quizzes.models import Answer, MatchResponse, Question, Slot

from .factories import (
    BUILDERS,
    HTMX,
    T0,
    QuizFactory,
    answer_data,
    question_url,
    quiz_with_every_type,
    right_answer,
    single_question,
    start,
    wrong_answer,
)

pytestmark = pytest.mark.django_db

# Session, attempt, the content version, the slots with whether each is answered (one
# statement). The quiz and the question with its keys come from contentcache once prepared ...
QUESTION_PAGE = 4
# ... and the first view of a question in a content version prepares it: the question and its
# four kinds of keys.
QUESTION_PREPARED = 5
# The question page's reads, then inside one savepoint: lock the slot (the same statement says
# whether the question has an answer), insert the answer (in its own savepoint: 3), insert the
# picked choice, bump the slot's sequence, release.
ANSWER_POST = 12
# Changing an exam answer: the same reads, then update the answer and replace its picked choice.
EXAM_ANSWER_CHANGE = 11
# Session, attempt, content version, slots, answers with their choices and matches ...
RESULT_PAGE = 7
# ... and when nothing is prepared yet, the quiz with its lesson and all the questions at once
# with their four kinds of keys: 6 more, however many questions.
RESULT_PREPARED = 6


def quiz_of(count: int):
    """``count`` questions of every type in turn, the last one a single choice."""
    quiz = QuizFactory()
    for build in itertools.islice(itertools.cycle(BUILDERS.values()), count - 1):
        build(quiz)
    single_question(quiz)
    return quiz


@pytest.fixture(params=[5, 50], ids=["5 questions", "50 questions"])
def nearly_done(request, client):
    """A practice attempt with every question answered but the last."""
    count = request.param
    attempt = start(client, quiz_of(count))
    for position in range(1, count):
        data = answer_data(attempt, position, right=position % 2 == 0)
        assert client.post(question_url(attempt, position), data).status_code == 302
    return attempt, count


def test_question_page_runs_a_fixed_number_of_queries(
    client, nearly_done, django_assert_num_queries
):
    attempt, count = nearly_done

    with django_assert_num_queries(QUESTION_PAGE + QUESTION_PREPARED):
        page = client.get(question_url(attempt, count))
    with django_assert_num_queries(QUESTION_PAGE):
        fragment = client.get(question_url(attempt, count), headers=HTMX)

    assert f"Question {count} of {count}" in page.content.decode()
    assert page.status_code == fragment.status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_the_exam_question_list_shows_every_question_in_a_fixed_number_of_queries(
    client, count, django_assert_num_queries
):
    quiz = QuizFactory(exam=True)
    for _ in range(count):
        single_question(quiz)
    attempt = start(client, quiz)
    client.post(question_url(attempt, 1), {**answer_data(attempt, 1), "go": "next"})
    client.get(question_url(attempt, 2))  # prepares the question

    with django_assert_num_queries(QUESTION_PAGE):
        html = client.get(question_url(attempt, 2), headers=HTMX).content.decode()

    nav = re.search(r'<nav class="question-nav".*?</nav>', html, re.S)
    items = re.findall(r"<li><a ([^>]*)>(\d+)<span [^>]*> \(([a-z ,]+)\)</span></a></li>", nav[0])
    stem = question_url(attempt, 1).removesuffix("1/")
    cell = 'class="question-nav__cell'
    assert items[:3] == [
        (f'href="{stem}1/" {cell} is-answered"', "1", "answered"),
        (f'href="{stem}2/" {cell}" aria-current="step"', "2", "current, not answered"),
        (f'href="{stem}3/" {cell}"', "3", "not answered"),
    ]
    assert len(items) == count


def test_answer_submission_runs_a_fixed_number_of_queries(
    client, nearly_done, django_assert_num_queries
):
    attempt, count = nearly_done
    data = answer_data(attempt, count)
    client.get(question_url(attempt, count))

    with django_assert_num_queries(ANSWER_POST):
        response = client.post(question_url(attempt, count), data)

    assert response.status_code == 302
    assert attempt.answers.count() == count


@pytest.mark.parametrize("count", [5, 50])
def test_changing_an_exam_answer_runs_a_fixed_number_of_queries(
    client, count, django_assert_num_queries
):
    quiz = QuizFactory(exam=True)
    for _ in range(count):
        single_question(quiz)
    attempt = start(client, quiz)
    first = answer_data(attempt, 1, right=False)
    client.post(question_url(attempt, 1), {**first, "go": "next"})
    again = answer_data(attempt, 1, right=True)

    with django_assert_num_queries(EXAM_ANSWER_CHANGE):
        response = client.post(question_url(attempt, 1), {**again, "go": "next"})

    assert response.status_code == 302
    answer = attempt.answers.get()
    assert answer.is_correct
    assert list(answer.choices.values_list("pk", flat=True)) == [
        c.pk for c in answer.question.choices.all() if c.fraction > 0
    ]


def test_result_page_runs_a_fixed_number_of_queries(client, nearly_done, django_assert_num_queries):
    attempt, count = nearly_done
    client.post(question_url(attempt, count), answer_data(attempt, count))
    client.post(f"/attempts/{attempt.pk}/finish/")

    cache.clear()
    with django_assert_num_queries(RESULT_PAGE + RESULT_PREPARED):
        first = client.get(f"/attempts/{attempt.pk}/result/")
    with django_assert_num_queries(RESULT_PAGE):
        response = client.get(f"/attempts/{attempt.pk}/result/")

    assert first.status_code == 200

    assert response.content.decode().count('class="review review--') == count


# --- One transaction ---------------------------------------------------------------------


def test_every_write_of_a_submission_happens_inside_one_atomic_block(client):
    attempt = start(client, quiz_with_every_type())
    data = answer_data(attempt, 1)

    with CaptureQueriesContext(connection) as queries:
        client.post(question_url(attempt, 1), data)

    sql = [q["sql"] for q in queries.captured_queries]
    writes = [i for i, s in enumerate(sql) if re.match(r"(INSERT|UPDATE|DELETE)", s)]
    opened = next(i for i, s in enumerate(sql) if s.startswith(("SAVEPOINT", "BEGIN")))
    name = sql[opened].split()[-1]
    closed = next(i for i, s in enumerate(sql) if s.startswith("RELEASE") and name in s)
    assert len(writes) == 3  # the answer, its picked choice, the slot's sequence
    assert opened < min(writes) and max(writes) < closed


def _submit(attempt, position, data):
    slot = attempt.slots.get(position=position)
    question = Question.objects.with_keys().get(pk=slot.question_id)
    form = AnswerForm({"seq": slot.sequence, **data}, attempt=attempt, question=question)
    assert form.is_valid(), form.errors
    return services.submit_answer(
        attempt=attempt,
        slot=slot,
        question=question,
        given=form.given(),
        sequence=slot.sequence,
        now=T0,
    )


def _state(attempt):
    return {
        "answers": list(Answer.objects.values("question_id", "points", "is_correct")),
        "picked": list(Answer.choices.through.objects.values("answer_id", "choice_id")),
        "matches": list(MatchResponse.objects.values("pair_id", "given")),
        "slots": list(Slot.objects.filter(attempt=attempt).values("position", "sequence")),
    }


def test_a_failure_after_the_answer_is_inserted_rolls_the_whole_submission_back(monkeypatch):
    quiz = quiz_with_every_type()
    attempt = services.start_attempt(quiz=quiz, user=AnonymousUser(), token="t", now=T0)
    question = attempt.slots.get(position=1).question
    before = _state(attempt)
    picked = Answer.choices.through.objects

    def fail(*args, **kwargs):
        assert Answer.objects.exists()  # the answer row is already written
        raise RuntimeError("the database went away")

    monkeypatch.setattr(picked, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        _submit(attempt, 1, right_answer(question))

    assert _state(attempt) == before
    assert not Answer.objects.exists()


def test_a_failure_while_changing_an_exam_answer_keeps_the_previous_answer(monkeypatch):
    quiz = quiz_with_every_type(exam=True)
    attempt = services.start_attempt(quiz=quiz, user=AnonymousUser(), token="t", now=T0)
    matching = attempt.slots.get(position=6).question
    _submit(attempt, 6, right_answer(matching))
    before = _state(attempt)

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(MatchResponse.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        _submit(attempt, 6, wrong_answer(matching))

    assert _state(attempt) == before
    assert Answer.objects.get().is_correct
    assert MatchResponse.objects.count() == 3
