"""The question screen as a learner sees it: option cards, the answer marked in place after
Check, flag for review in an exam, and no educator-only text anywhere."""

import re

import pytest

from quizzes.models import Answer, Slot

from .factories import (
    HTMX,
    QuizFactory,
    answer_data,
    question_url,
    quiz_with_every_type,
    short_question,
    single_question,
    slot_at,
    start,
)

pytestmark = pytest.mark.django_db


def summary_url(attempt):
    return f"/attempts/{attempt.pk}/summary/"


# --- Options and feedback ----------------------------------------------------------------


def test_options_are_cards_each_a_label_around_its_input(client):
    attempt = start(client, quiz_with_every_type())

    html = client.get(question_url(attempt, 1)).content.decode()

    cards = re.findall(
        r'<div class="option-card"><input [^>]*?id="([^"]+)"[^>]*>.*?<label [^>]*for="([^"]+)">',
        html,
    )
    assert len(cards) == 4
    assert all(input_id == label_for for input_id, label_for in cards)
    letters = re.findall(r'<span class="option-card__letter" aria-hidden="true">(\w)</span>', html)
    assert letters == ["A", "B", "C", "D"]


def test_check_marks_the_chosen_and_the_right_option_in_place_then_continue_takes_focus(client):
    quiz = QuizFactory(shuffle_choices=False)
    question = single_question(quiz)
    attempt = start(client, quiz)
    wrong = question.choices.get(text__startswith="Wrong A")

    response = client.post(
        question_url(attempt, 1), {"seq": 0, "choice": wrong.public_id}, headers=HTMX
    )

    html = response.content.decode()
    marks = re.findall(r'<li class="option-mark([^"]*)">.*?</li>', html, re.S)
    assert len(marks) == 4
    by_text = dict(
        re.findall(r'<li class="option-mark([^"]*)">.*?class="option-mark__text">([^<]+)<', html)
    )
    by_text = {text: classes for classes, text in by_text.items()}
    # Chosen and wrong: a cross and "Your answer"; the right one: a tick and "Correct answer".
    assert "option-mark--chosen" in by_text[wrong.text]
    assert "option-mark--wrong" in by_text[wrong.text]
    right = question.choices.get(fraction=1)
    assert "option-mark--correct" in by_text[right.text]
    assert "option-mark--chosen" not in by_text[right.text]
    assert html.count(">Your answer</span>") == 1
    assert html.count(">Correct answer</span>") == 1
    assert '<span class="option-mark__icon" aria-hidden="true">✗</span>' in html
    assert '<span class="option-mark__icon" aria-hidden="true">✓</span>' in html
    assert f"Feedback on {wrong.text}." in html
    assert question.explanation in html
    # The only question: the last one offers the results, and that button takes focus.
    assert re.search(r'<button class="button" type="submit" autofocus>See your results', html)


def test_continue_takes_focus_when_more_questions_follow(client):
    attempt = start(client, quiz_with_every_type())

    html = client.post(question_url(attempt, 1), answer_data(attempt, 1), headers=HTMX)

    text = html.content.decode()
    assert re.search(r'<a class="button" href="/attempts/\d+/questions/2/"[^>]*autofocus>', text)
    assert ">Continue</a>" in text


def test_a_typed_answer_shows_one_canonical_answer_and_never_every_variant(client):
    quiz = QuizFactory()
    question = short_question(quiz)
    question.accepted_answers.all().delete()
    for text in ["202-224-3121", "2022243121", "(202) 224-3121", "202.224.3121"]:
        question.accepted_answers.create(text=text, fraction=1)
    attempt = start(client, quiz)

    response = client.post(question_url(attempt, 1), {"seq": 0, "text": "911"}, headers=HTMX)

    html = response.content.decode()
    assert "<li>202-224-3121</li>" in html
    assert "2022243121" not in html
    assert "Also accepted" not in html  # the others are the same number written differently
    assert "; " not in html.split('id="question-panel"')[1]


def test_no_educator_title_reaches_a_learner_on_any_quiz_page(client):
    quiz = quiz_with_every_type(exam=True)
    for number, question in enumerate(quiz.questions.all()):
        question.title = f"EDUCATOR-NOTE-{number}"
        question.save()
    attempt = start(client, quiz)
    pages = [client.get(question_url(attempt, n)) for n in range(1, 7)]
    pages.append(client.get(summary_url(attempt)))
    summary = pages[-1].content.decode()
    client.post(f"/attempts/{attempt.pk}/finish/")
    pages.append(client.get(f"/attempts/{attempt.pk}/result/"))

    for page in pages:
        assert "EDUCATOR-NOTE" not in page.content.decode()
    # The summary names each question by number and its prompt's opening words.
    for slot in attempt.slots.select_related("question"):
        words = slot.question.prompt_text.split()[:3]
        assert f"Question {slot.position}</span>" in summary
        assert " ".join(words) in summary


# --- Flag for review ---------------------------------------------------------------------


def test_flag_for_review_without_an_answer_keeps_the_learner_on_the_question(client):
    attempt = start(client, quiz_with_every_type(exam=True))

    response = client.post(question_url(attempt, 2), {"seq": 0, "flag": "on"})

    assert response.status_code == 302
    assert response["Location"] == question_url(attempt, 2)
    assert slot_at(attempt, 2).flagged
    assert not Answer.objects.exists()
    html = client.get(question_url(attempt, 2)).content.decode()
    assert 'name="flag" value="off" aria-pressed="true"' in html
    assert re.search(r'href="[^"]+/2/" class="question-nav__cell is-flagged"', html)
    assert "(current, not answered, flagged)" in html
    summary = client.get(summary_url(attempt)).content.decode()
    assert "You flagged 1 question to look at again" in summary
    assert f'<a href="{question_url(attempt, 2)}">question 2</a>' in summary

    client.post(question_url(attempt, 2), {"seq": 0, "flag": "off"})

    assert not slot_at(attempt, 2).flagged


def test_flag_with_a_choice_saves_the_answer_too(client):
    attempt = start(client, quiz_with_every_type(exam=True))

    response = client.post(question_url(attempt, 1), {**answer_data(attempt, 1), "flag": "on"})

    assert response["Location"] == question_url(attempt, 1)
    assert Answer.objects.filter(attempt=attempt).count() == 1
    assert slot_at(attempt, 1).flagged


def test_a_refused_answer_sets_no_flag(client):
    attempt = start(client, quiz_with_every_type(exam=True))
    data = {"seq": 0, "text": "x" * 300, "flag": "on"}  # question 4 is the short answer

    response = client.post(question_url(attempt, 4), data, headers=HTMX)

    assert response.status_code == 400
    assert not slot_at(attempt, 4).flagged
    assert not Answer.objects.exists()


def test_practice_mode_has_no_flag(client):
    attempt = start(client, quiz_with_every_type())

    html = client.get(question_url(attempt, 1)).content.decode()
    client.post(question_url(attempt, 1), {**answer_data(attempt, 1), "flag": "on"})

    assert 'name="flag"' not in html
    assert not Slot.objects.filter(flagged=True).exists()


def test_the_marks_after_check_keep_the_order_the_options_were_shown_in(client):
    quiz = QuizFactory(shuffle_choices=True)
    for _ in range(6):
        single_question(quiz)
    attempt = start(client, quiz)
    orders = []
    for position in range(1, 7):
        shown = client.get(question_url(attempt, position)).content.decode()
        texts = re.findall(r'<label class="option-card__text" for="[^"]+">([^<]+)</label>', shown)
        checked = client.post(
            question_url(attempt, position), answer_data(attempt, position), headers=HTMX
        ).content.decode()
        marked = re.findall(r'<span class="option-mark__text">([^<]+)</span>', checked)
        assert marked == texts
        orders.append(texts)
    # The choices really were shuffled, so the check above is not trivially true.
    assert any(texts != sorted(texts, key=lambda t: t.split()[1]) for texts in orders)
