"""The learner's path through a practice quiz: start, answer with feedback, finish, review."""

import datetime as dt
import random
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from quizzes import services
from quizzes.models import Answer, Attempt, Question
from tests.factories import UserFactory

from .factories import (
    HTMX,
    T0,
    QuizFactory,
    answer_data,
    question_url,
    quiz_with_every_type,
    single_question,
    slot_at,
    start,
    start_url,
)

pytestmark = pytest.mark.django_db


def answer(client, attempt, position, **kwargs):
    return client.post(question_url(attempt, position), answer_data(attempt, position, **kwargs))


def test_lesson_page_offers_to_take_the_full_quiz_with_a_post_form(client):
    quiz = quiz_with_every_type()

    html = client.get(quiz.lesson.get_absolute_url()).content.decode()

    assert "Take the full quiz" in html
    assert f'<form method="post" action="{start_url(quiz)}"' in html  # id="quiz-start" follows


def test_starting_creates_an_anonymous_attempt_and_leads_to_question_1(client):
    quiz = quiz_with_every_type()

    response = client.post(start_url(quiz))

    attempt = Attempt.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/attempts/{attempt.pk}/"
    assert attempt.user is None
    assert attempt.anonymous_token == client.session["learner_token"] != ""
    assert attempt.slots.count() == 6
    assert client.get(response["Location"])["Location"] == question_url(attempt, 1)


def test_starting_again_resumes_the_attempt_in_progress(client):
    quiz = quiz_with_every_type()
    first = start(client, quiz)
    answer(client, first, 1)

    again = start(client, quiz)

    assert again == first
    assert Attempt.objects.count() == 1
    assert "Resume the quiz" in client.get(quiz.lesson.get_absolute_url()).content.decode()
    # The attempt page leads to the first question without an answer.
    assert client.get(f"/attempts/{first.pk}/")["Location"] == question_url(first, 2)


def test_signed_in_learner_owns_the_attempt_through_the_account_not_a_token(client):
    user = UserFactory()
    client.force_login(user)
    quiz = quiz_with_every_type()

    attempt = start(client, quiz)

    assert attempt.user == user
    assert attempt.anonymous_token == ""
    assert "learner_token" not in client.session


def test_question_page_shows_its_position_and_a_progress_bar_of_answers(client):
    attempt = start(client, quiz_with_every_type())

    response = client.get(question_url(attempt, 1))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert "<strong>Question 1 of 6</strong>" in html
    assert "0 of 6 answered" in html
    # The bar counts answers, not the position: empty before the first answer.
    assert 'max="6" value="0" aria-label="Questions answered"' in html

    client.post(question_url(attempt, 1), answer_data(attempt, 1))
    html = client.get(question_url(attempt, 2)).content.decode()
    assert "<strong>Question 2 of 6</strong>" in html
    assert 'max="6" value="1" aria-label="Questions answered"' in html
    assert "1 of 6 answered" in html


def test_htmx_request_for_a_question_gets_only_the_panel(client):
    attempt = start(client, quiz_with_every_type())

    response = client.get(question_url(attempt, 1), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<div id="question-panel"' in html
    assert "<html" not in html
    assert "Question 1 of 6" in html


def test_plain_answer_redirects_to_the_same_question_which_shows_the_feedback(client):
    attempt = start(client, quiz_with_every_type())
    question = slot_at(attempt, 1).question
    before = client.get(question_url(attempt, 1)).content.decode()

    response = answer(client, attempt, 1, right=False)

    assert response.status_code == 302
    assert response["Location"] == question_url(attempt, 1)
    html = client.get(response["Location"]).content.decode()
    assert question.explanation not in before
    assert "Your answer" in html
    assert "Incorrect" in html
    assert "Correct answer" in html
    assert question.explanation in html
    assert "Feedback on Wrong A" in html  # the picked choice's own feedback
    assert f'href="{question_url(attempt, 2)}"' in html  # "Next question"


def test_htmx_answer_returns_the_feedback_fragment_without_the_page(client):
    attempt = start(client, quiz_with_every_type())
    question = slot_at(attempt, 1).question

    response = client.post(question_url(attempt, 1), answer_data(attempt, 1), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<div id="question-panel"' in html
    assert "<html" not in html
    assert "Correct" in html
    assert "Your answer" in html
    assert question.explanation in html
    assert Answer.objects.get().is_correct


def test_practice_mode_sends_a_jump_ahead_back_to_the_current_question(client):
    attempt = start(client, quiz_with_every_type())

    get = client.get(question_url(attempt, 3))
    post = client.post(question_url(attempt, 3), answer_data(attempt, 3))

    assert get.status_code == post.status_code == 302
    assert get["Location"] == post["Location"] == question_url(attempt, 1)
    assert not Answer.objects.exists()


def take_every_type_with_mixed_answers(client):
    """Six questions: right, half right, wrong, right, right, wrong = 3.5 of 6 points."""
    attempt = start(client, quiz_with_every_type())
    answer(client, attempt, 1)
    multiple = slot_at(attempt, 2).question
    half = multiple.choices.get(text__startswith="Half E").public_id
    client.post(question_url(attempt, 2), {"seq": 0, "choice": [half]})
    answer(client, attempt, 3, right=False)
    answer(client, attempt, 4)
    answer(client, attempt, 5)
    answer(client, attempt, 6, right=False)
    return attempt


def test_last_question_offers_results_and_finishing_shows_score_verdict_time_and_review(client):
    attempt = take_every_type_with_mixed_answers(client)
    html = client.get(question_url(attempt, 6)).content.decode()
    assert "See your results" in html
    assert f'action="/attempts/{attempt.pk}/finish/"' in html
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - dt.timedelta(minutes=4, seconds=5)
    )

    response = client.post(f"/attempts/{attempt.pk}/finish/")

    assert response.status_code == 302
    assert response["Location"] == f"/attempts/{attempt.pk}/result/"
    page = client.get(response["Location"]).content.decode()
    # A whole number (58.3% rounded down, never up past a pass mark), and the count right.
    assert 'aria-label="Score: 58%"' in page
    assert ">58%</text>" in page
    assert "Not passed yet" in page
    assert "3 of 6 correct" in page
    assert "Pass mark 70%" in page
    assert "3.5 of 6 points with partial credit" in page
    assert "answered</li>" not in page  # every question was answered: no need to say so
    assert "Time taken: 4 min 5 s" in page
    assert page.count('class="review review--') == 6
    assert page.count("Your answer") == 6
    assert "Partly correct (0.5 of 1 point)" in page
    # The missed questions come first (2, 3 and 6), then the right ones (1, 4, 5).
    order = [int(n) for n in re.findall(r'class="review__title">Question (\d+)<', page)]
    assert order == [2, 3, 6, 1, 4, 5]
    assert "3 to look at again" in page and "3 right" in page
    # Each question not fully right shows the right answer, once, without weights.
    assert "Right B" in page and "True" in page and "Canada → Ottawa" in page
    assert "%)" not in page
    lesson = attempt.quiz.lesson
    for slot in attempt.slots.select_related("question__section"):
        question = slot.question
        assert question.explanation in page
        anchor = question.section.anchor
        assert f'<a href="/lessons/{lesson.slug}/#{anchor}">Read the passage' in page
    assert "Retake the quiz" in page
    assert "Practise the 3 you missed" in page
    # The first action on the page is practising what was missed.
    assert page.index("Practise the 3 you missed") < page.index("Retake the quiz")


def test_all_right_passes_with_100_percent_and_offers_nothing_to_practise(client):
    attempt = start(client, quiz_with_every_type())
    for position in range(1, 7):
        answer(client, attempt, position)
    client.post(f"/attempts/{attempt.pk}/finish/")

    page = client.get(f"/attempts/{attempt.pk}/result/").content.decode()

    assert 'aria-label="Score: 100%"' in page
    assert "Passed" in page and "Not passed yet" not in page
    assert "6 of 6 correct" in page
    assert "Correct answer" not in page
    assert "you missed" not in page
    assert "to look at again" not in page


def test_retake_starts_a_new_attempt_after_a_finished_one(client):
    attempt = take_every_type_with_mixed_answers(client)
    client.post(f"/attempts/{attempt.pk}/finish/")

    retake = start(client, attempt.quiz)

    assert retake != attempt
    assert retake.is_in_progress
    assert retake.retry_of is None
    assert not retake.answers.exists()


def test_practise_what_i_missed_covers_exactly_the_missed_questions(client):
    attempt = take_every_type_with_mixed_answers(client)
    client.post(f"/attempts/{attempt.pk}/finish/")

    response = client.post(f"/attempts/{attempt.pk}/practise-missed/")

    practice = Attempt.objects.exclude(pk=attempt.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/attempts/{practice.pk}/"
    assert practice.retry_of == attempt
    assert practice.mode == "practice"
    missed = [slot_at(attempt, n).question_id for n in (2, 3, 6)]  # half, wrong, wrong
    assert list(practice.slots.values_list("question_id", flat=True)) == missed
    html = client.get(question_url(practice, 1)).content.decode()
    assert "Practising what you missed" in html
    assert "Question 1 of 3" in html


def test_practise_what_i_missed_refuses_when_every_answer_was_right(client):
    quiz = QuizFactory()
    single_question(quiz)
    attempt = start(client, quiz)
    answer(client, attempt, 1)
    client.post(f"/attempts/{attempt.pk}/finish/")

    response = client.post(f"/attempts/{attempt.pk}/practise-missed/")

    assert response.status_code == 400
    assert "nothing to practise" in response.content.decode()
    assert Attempt.objects.count() == 1


def test_practise_what_i_missed_waits_until_the_attempt_is_finished(client):
    attempt = take_every_type_with_mixed_answers(client)

    response = client.post(f"/attempts/{attempt.pk}/practise-missed/")

    assert response["Location"] == f"/attempts/{attempt.pk}/"
    assert Attempt.objects.count() == 1


def test_a_quiz_without_published_questions_cannot_be_started(client):
    quiz = QuizFactory()
    single_question(quiz, is_published=False)

    response = client.post(start_url(quiz))

    assert response.status_code == 400
    assert "no published questions" in response.content.decode()
    assert not Attempt.objects.exists()


def test_an_unpublished_quiz_cannot_be_started(client):
    quiz = QuizFactory(is_published=False)
    single_question(quiz)

    assert client.post(start_url(quiz)).status_code == 404
    assert not Attempt.objects.exists()


def test_each_question_type_is_graded_from_the_posted_form(client):
    attempt = start(client, quiz_with_every_type())

    for position in range(1, 7):
        assert answer(client, attempt, position).status_code == 302

    answers = Answer.objects.filter(attempt=attempt).select_related("question")
    assert {a.question.type: (a.points, a.is_correct) for a in answers} == {
        kind: (1.0, True) for kind in Question.Type.values
    }


def test_a_quiz_of_a_draft_lesson_cannot_be_started(client):
    quiz = QuizFactory(lesson__draft=True)
    single_question(quiz)

    assert client.post(start_url(quiz)).status_code == 404
    assert not Attempt.objects.exists()


# --- Order fixed at start ----------------------------------------------------------------


def test_question_count_draws_that_many_questions_kept_in_quiz_order():
    quiz = quiz_with_every_type(question_count=3)
    in_quiz_order = list(quiz.questions.values_list("pk", flat=True))

    drawn = [
        list(
            services.start_attempt(
                quiz=quiz, user=AnonymousUser(), token=f"t{n}", now=T0, rng=random.Random(n)
            ).slots.values_list("question_id", flat=True)
        )
        for n in range(8)
    ]

    for questions in drawn:
        assert len(questions) == 3
        assert questions == [pk for pk in in_quiz_order if pk in questions]
    assert len({tuple(q) for q in drawn}) > 1  # a different draw for different learners


def test_shuffled_questions_keep_the_order_fixed_at_start(client):
    quiz = quiz_with_every_type(shuffle_questions=True, exam=True)
    attempt = start(client, quiz)
    order = list(attempt.slots.values_list("question_id", flat=True))
    prompts = dict(quiz.questions.values_list("pk", "prompt"))

    for position, question_id in enumerate(order, start=1):
        for _ in range(2):
            assert (
                prompts[question_id] in client.get(question_url(attempt, position)).content.decode()
            )
    assert sorted(order) == sorted(prompts)
    assert start(client, quiz) == attempt
    assert list(attempt.slots.values_list("question_id", flat=True)) == order


def test_choices_are_shown_in_the_same_shuffled_order_on_every_visit(client):
    quiz = QuizFactory(shuffle_choices=True)
    question = single_question(quiz)
    attempt = start(client, quiz)

    pages = [client.get(question_url(attempt, 1)).content.decode() for _ in range(3)]

    orders = {tuple(re.findall(r'name="choice" value="([0-9a-f]+)"', page)) for page in pages}
    assert len(orders) == 1
    assert sorted(next(iter(orders))) == sorted(c.public_id for c in question.choices.all())
