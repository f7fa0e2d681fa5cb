"""Exam mode (move freely, change answers, finish from a summary), time limits and attempt
limits."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from quizzes import services
from quizzes.models import Answer, Attempt, Question
from quizzes.services import Given

from .factories import (
    HTMX,
    T0,
    QuizFactory,
    answer_data,
    question_url,
    quiz_with_every_type,
    right_answer,
    single_question,
    slot_at,
    start,
    start_url,
    wrong_answer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(client):
    """An exam attempt over one question of each type, started by an anonymous learner."""
    return start(client, quiz_with_every_type(exam=True))


def summary_url(attempt):
    return f"/attempts/{attempt.pk}/summary/"


def result_url(attempt):
    return f"/attempts/{attempt.pk}/result/"


# --- Changing answers and moving around --------------------------------------------------


def test_exam_answer_can_change_and_stays_one_row_with_the_latest_value(client, exam):
    question = slot_at(exam, 1).question
    url = question_url(exam, 1)

    first = client.post(url, {"seq": 0, **right_answer(question), "go": "next"})
    shown = client.get(url).content.decode()
    second = client.post(url, {"seq": 1, **wrong_answer(question), "go": "next"})

    assert first["Location"] == second["Location"] == question_url(exam, 2)
    assert 'name="seq" value="1"' in shown  # the page carries the current sequence
    answer = Answer.objects.get()
    assert (answer.points, answer.is_correct) == (0, False)
    assert [c.text for c in answer.choices.all()] == [
        c.text for c in question.choices.all() if c.public_id == wrong_answer(question)["choice"]
    ]
    assert slot_at(exam, 1).sequence == 2


def test_exam_page_shows_the_stored_answer_again(client, exam):
    question = slot_at(exam, 4).question  # short answer
    client.post(question_url(exam, 4), {"seq": 0, "text": "Ottawa", "go": "next"})

    html = client.get(question_url(exam, 4)).content.decode()

    assert question.type == Question.Type.SHORT
    assert 'value="Ottawa"' in html


@pytest.mark.parametrize(
    ("position", "go", "lands_on"),
    [
        (3, "prev", "question 2"),
        (3, "next", "question 4"),
        (3, "5", "question 5"),
        (3, "summary", "summary"),
        (6, "next", "summary"),  # next from the last question is the summary
        (1, "prev", "summary"),  # nowhere before the first: the summary, not an error
        (3, "99", "summary"),
    ],
)
def test_exam_navigation_saves_and_moves(client, exam, position, go, lands_on):
    response = client.post(question_url(exam, position), answer_data(exam, position, go=go))

    expected = (
        summary_url(exam) if lands_on == "summary" else question_url(exam, int(lands_on.split()[1]))
    )
    assert response.status_code == 302
    assert response["Location"] == expected
    assert Answer.objects.get().question == slot_at(exam, position).question


def test_exam_allows_opening_any_question(client, exam):
    response = client.get(question_url(exam, 5))

    assert response.status_code == 200
    assert "Question 5 of 6" in response.content.decode()


def test_blank_exam_submit_with_go_moves_without_saving(client, exam):
    for position in range(1, 7):
        response = client.post(question_url(exam, position), {"seq": 0, "go": "next"})
        assert response.status_code == 302

    assert not Answer.objects.exists()
    assert set(exam.slots.values_list("sequence", flat=True)) == {0}


def test_blank_exam_submit_without_go_is_refused_with_a_message(client, exam):
    response = client.post(question_url(exam, 1), {"seq": 0})

    assert response.status_code == 400
    assert "Choose an answer before submitting." in response.content.decode()
    assert not Answer.objects.exists()


def test_htmx_exam_answer_navigates_with_a_client_redirect(client, exam):
    response = client.post(question_url(exam, 1), answer_data(exam, 1, go="next"), headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == question_url(exam, 2)
    assert Answer.objects.count() == 1


def test_summary_lists_the_unanswered_questions(client, exam):
    for position in (1, 3):
        client.post(question_url(exam, position), answer_data(exam, position, go="next"))

    html = client.get(summary_url(exam)).content.decode()

    assert "4 questions not answered yet" in html
    for position in (2, 4, 5, 6):
        assert f'<a href="{question_url(exam, position)}">question {position}</a>' in html
    for position in (1, 3):
        assert f">question {position}</a>" not in html
    assert html.count('<span class="tag tag--bad">Not answered</span>') == 4
    assert html.count("Answered</span>") == 2
    # Learners see "Question 2" and the prompt's opening words, never an educator's title.
    for slot in exam.slots.select_related("question"):
        assert f"Question {slot.position}</span>" in html
        if slot.question.title:
            assert slot.question.title not in html
    assert f'action="/attempts/{exam.pk}/finish/"' in html


def test_summary_when_everything_is_answered_says_so(client, exam):
    for position in range(1, 7):
        client.post(question_url(exam, position), answer_data(exam, position, go="next"))

    html = client.get(summary_url(exam)).content.decode()

    assert "6 of 6 answered." in html
    assert "You can still change any answer before you finish." in html
    assert "not answered yet" not in html


def test_finishing_an_exam_from_the_summary_shows_the_result(client, exam):
    client.post(question_url(exam, 1), answer_data(exam, 1, go="next"))
    client.post(question_url(exam, 2), answer_data(exam, 2, right=False, go="next"))

    response = client.post(f"/attempts/{exam.pk}/finish/")

    assert response["Location"] == result_url(exam)
    exam.refresh_from_db()
    assert exam.state == Attempt.State.FINISHED
    page = client.get(result_url(exam)).content.decode()
    assert 'aria-label="Score: 16%"' in page
    assert "1 of 6 correct" in page
    assert "2 of 6 answered" in page
    assert page.count("Not answered") == 4
    # Feedback comes at the end in exam mode: now every explanation is shown.
    for slot in exam.slots.select_related("question"):
        assert slot.question.explanation in page


def test_exam_question_pages_show_no_feedback_even_after_answering(client, exam):
    for position in range(1, 7):
        client.post(question_url(exam, position), answer_data(exam, position, right=False))

    for position in range(1, 7):
        question = slot_at(exam, position).question
        for headers in ({}, HTMX):
            html = client.get(question_url(exam, position), headers=headers).content.decode()
            assert question.explanation not in html
            assert "Correct answer" not in html
            assert "Your answer</dt>" not in html
            assert "Feedback on" not in html
            assert "Incorrect" not in html


# --- Time limit --------------------------------------------------------------------------


def test_time_limited_question_page_shows_the_time_left(client):
    attempt = start(client, quiz_with_every_type(time_limit_minutes=10))

    html = client.get(question_url(attempt, 1)).content.decode()

    assert attempt.deadline == attempt.started_at + dt.timedelta(minutes=10)
    assert "<strong>10 minutes</strong> left" in html


def test_a_quiz_without_time_limit_shows_no_clock(client):
    attempt = start(client, quiz_with_every_type())

    assert 'role="timer"' not in client.get(question_url(attempt, 1)).content.decode()
    assert attempt.deadline is None


@pytest.mark.parametrize("mode", ["practice", "exam"])
def test_answer_after_the_deadline_is_not_counted_and_finishes_the_attempt(client, mode):
    attempt = start(client, quiz_with_every_type(mode=mode, time_limit_minutes=5))
    client.post(question_url(attempt, 1), answer_data(attempt, 1, go="next"))
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))

    response = client.post(question_url(attempt, 2), answer_data(attempt, 2, go="next"))

    assert response.status_code == 302
    assert response["Location"] == result_url(attempt)
    assert Answer.objects.count() == 1
    assert slot_at(attempt, 2).sequence == 0
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED
    page = client.get(result_url(attempt)).content.decode()
    assert "Time is up" in page
    assert "1 of 6 answered" in page
    assert 'aria-label="Score: 16%"' in page


def test_deadline_passing_during_the_submission_is_not_counted_and_finishes(client, monkeypatch):
    """The view checks the clock, then the service checks it again under the slot lock."""
    attempt = start(client, quiz_with_every_type(time_limit_minutes=5))
    # Only the view's clock: it reads the time once on entry, once for submit_answer.
    clock = iter([attempt.deadline - dt.timedelta(seconds=1), attempt.deadline])
    monkeypatch.setattr("quizzes.views.timezone", SimpleNamespace(now=lambda: next(clock)))

    response = client.post(question_url(attempt, 1), answer_data(attempt, 1))

    assert response.status_code == 302
    assert response["Location"] == result_url(attempt)
    assert not Answer.objects.exists()
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED


def test_submit_answer_after_the_deadline_raises_and_leaves_the_attempt_finished():
    quiz = QuizFactory(time_limit_minutes=5)
    single_question(quiz)
    attempt = services.start_attempt(quiz=quiz, user=AnonymousUser(), token="tok", now=T0)
    slot = attempt.slots.get()
    question = Question.objects.with_keys().get(pk=slot.question_id)
    late = T0 + dt.timedelta(minutes=5)

    with pytest.raises(services.DeadlinePassed):
        services.submit_answer(
            attempt=attempt, slot=slot, question=question, given=Given(), sequence=0, now=late
        )

    attempt.refresh_from_db()
    assert not Answer.objects.exists()
    assert attempt.state == Attempt.State.FINISHED
    assert attempt.finished_at == late


def test_result_of_an_overdue_attempt_finishes_it(client):
    attempt = start(client, quiz_with_every_type(time_limit_minutes=5))
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))

    response = client.get(result_url(attempt))

    assert response.status_code == 200
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED


def test_starting_again_after_the_deadline_finishes_the_old_attempt_and_starts_anew():
    quiz = QuizFactory(time_limit_minutes=5)
    single_question(quiz)
    first = services.start_attempt(quiz=quiz, user=AnonymousUser(), token="tok", now=T0)
    later = T0 + dt.timedelta(minutes=6)

    second = services.start_attempt(quiz=quiz, user=AnonymousUser(), token="tok", now=later)

    first.refresh_from_db()
    assert second != first
    assert (first.state, first.finished_at) == (Attempt.State.FINISHED, later)
    assert second.deadline == later + dt.timedelta(minutes=5)


def test_overdue_attempt_is_finished_even_when_no_attempt_is_left_to_start():
    quiz = QuizFactory(time_limit_minutes=5, attempt_limit=1)
    single_question(quiz)
    first = services.start_attempt(quiz=quiz, user=AnonymousUser(), token="tok", now=T0)
    later = T0 + dt.timedelta(minutes=6)

    with pytest.raises(services.AttemptLimitReached):
        services.start_attempt(quiz=quiz, user=AnonymousUser(), token="tok", now=later)

    first.refresh_from_db()
    assert first.state == Attempt.State.FINISHED


# --- Attempt limit -----------------------------------------------------------------------


def test_attempt_limit_refuses_another_start_with_403_and_a_message(client):
    quiz = quiz_with_every_type(attempt_limit=1)
    attempt = start(client, quiz)
    client.post(f"/attempts/{attempt.pk}/finish/")

    response = client.post(start_url(quiz))

    assert response.status_code == 403
    assert "You have used the 1 attempt allowed for this quiz." in response.content.decode()
    assert Attempt.objects.count() == 1


def test_attempt_limit_still_resumes_the_attempt_in_progress(client):
    quiz = quiz_with_every_type(attempt_limit=1)
    attempt = start(client, quiz)

    assert start(client, quiz) == attempt


def test_practising_what_was_missed_does_not_use_up_the_attempt_limit(client):
    quiz = quiz_with_every_type(attempt_limit=2)
    attempt = start(client, quiz)
    client.post(f"/attempts/{attempt.pk}/finish/")
    client.post(f"/attempts/{attempt.pk}/practise-missed/")

    second = start(client, quiz)

    assert second.retry_of is None
    assert Attempt.objects.filter(retry_of=attempt).count() == 1
    assert Attempt.objects.count() == 3


def test_attempt_limit_counts_per_learner(client):
    quiz = quiz_with_every_type(attempt_limit=1)
    attempt = start(client, quiz)
    client.post(f"/attempts/{attempt.pk}/finish/")
    other = Client()

    assert other.post(start_url(quiz)).status_code == 302
    assert Attempt.objects.count() == 2
