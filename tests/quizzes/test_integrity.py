"""Requests the quiz rules refuse: each is answered with the right status and changes nothing."""

import datetime as dt
import random
import re
from html import unescape
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import Client
from django.utils.html import strip_tags

from quizzes import services
from quizzes.forms import AnswerForm
from quizzes.models import Answer, Attempt, MatchResponse, Question, Quiz, Slot
from tests.factories import UserFactory

from .factories import (
    HTMX,
    T0,
    QuizFactory,
    answer_data,
    matching_question,
    question_url,
    quiz_with_every_type,
    right_answer,
    slot_at,
    start,
    start_url,
    wrong_answer,
)

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Everything a submission or a finish could write."""
    return {
        "answers": list(Answer.objects.order_by("pk").values()),
        "picked": list(Answer.choices.through.objects.order_by("pk").values()),
        "matches": list(MatchResponse.objects.order_by("pk").values()),
        "slots": list(Slot.objects.order_by("pk").values("pk", "sequence")),
        "attempts": list(Attempt.objects.order_by("pk").values("pk", "state", "finished_at")),
    }


@pytest.fixture(params=["practice", "exam"])
def attempt(request, client):
    """An attempt in progress, question 1 answered, in both modes."""
    attempt = start(client, quiz_with_every_type(mode=request.param))
    client.post(question_url(attempt, 1), answer_data(attempt, 1, right=False))
    return attempt


def urls(attempt) -> list[tuple[str, str, dict]]:
    """Every learner URL of an attempt, with the method and data the page would use."""
    return [
        ("get", f"/attempts/{attempt.pk}/", {}),
        ("get", question_url(attempt, 1), {}),
        ("get", question_url(attempt, 2), {}),
        ("post", question_url(attempt, 2), answer_data(attempt, 2)),
        ("get", f"/attempts/{attempt.pk}/summary/", {}),
        ("post", f"/attempts/{attempt.pk}/finish/", {}),
        ("get", f"/attempts/{attempt.pk}/result/", {}),
        ("post", f"/attempts/{attempt.pk}/practise-missed/", {}),
    ]


# --- Not yours, not there: 404 -----------------------------------------------------------


def test_a_position_outside_the_attempt_is_404_and_changes_nothing(client, attempt):
    before = snapshot()

    for position in (0, 7, 999):
        assert client.get(question_url(attempt, position)).status_code == 404
        data = {"seq": 0, "truth": "true", "go": "next"}
        assert client.post(question_url(attempt, position), data).status_code == 404

    assert snapshot() == before


@pytest.mark.parametrize(("position", "other"), [(1, 2), (2, 1)])  # single, multiple
def test_a_choice_of_another_question_is_404_and_changes_nothing(client, attempt, position, other):
    foreign = slot_at(attempt, other).question.choices.first().public_id
    before = snapshot()

    data = {**answer_data(attempt, position), "choice": [foreign], "go": "next"}
    response = client.post(question_url(attempt, position), data)

    assert response.status_code == 404
    assert snapshot() == before


def test_a_choice_mixed_with_the_questions_own_choices_is_still_404(client, attempt):
    question = slot_at(attempt, 2).question  # multiple response
    own = [c.public_id for c in question.choices.all()]
    foreign = slot_at(attempt, 1).question.choices.first().public_id
    before = snapshot()

    data = {"seq": 0, "choice": [*own[:2], foreign], "go": "next"}
    response = client.post(question_url(attempt, 2), data)

    assert response.status_code == 404
    assert snapshot() == before


def test_another_sessions_attempt_is_404_everywhere_and_changes_nothing(attempt):
    stranger = Client()
    stranger.post(start_url(attempt.quiz))  # the stranger has a session and a token too
    before = snapshot()

    for method, url, data in urls(attempt):
        response = getattr(stranger, method)(url, data)
        assert response.status_code == 404, (method, url)
        htmx = getattr(stranger, method)(url, data, headers=HTMX)
        assert htmx.status_code == 404, (method, url, "htmx")

    assert snapshot() == before


def test_another_sessions_finished_attempt_result_is_404(client, attempt):
    client.post(f"/attempts/{attempt.pk}/finish/")
    before = snapshot()

    stranger = Client()
    assert stranger.get(f"/attempts/{attempt.pk}/result/").status_code == 404
    assert stranger.post(f"/attempts/{attempt.pk}/practise-missed/").status_code == 404
    assert snapshot() == before


def test_another_accounts_attempt_is_404_everywhere_and_changes_nothing():
    owner, other = Client(), Client()
    owner.force_login(UserFactory())
    other.force_login(UserFactory())
    attempt = start(owner, quiz_with_every_type())
    owner.post(question_url(attempt, 1), answer_data(attempt, 1))
    before = snapshot()

    for method, url, data in urls(attempt):
        assert getattr(other, method)(url, data).status_code == 404, (method, url)
        # Signed out, the account's attempt is no one's.
        assert getattr(Client(), method)(url, data).status_code == 404, (method, url)

    assert snapshot() == before


def test_an_anonymous_attempt_is_not_reachable_once_signed_in_as_someone(client):
    attempt = start(client, quiz_with_every_type())
    intruder = Client()
    intruder.force_login(UserFactory())
    # Even holding the same session token, an account only sees its own attempts.
    session = intruder.session
    session["learner_token"] = attempt.anonymous_token
    session.save()

    assert intruder.get(question_url(attempt, 1)).status_code == 404


# --- Stale and replayed submissions: 409 -------------------------------------------------


def test_replaying_the_same_post_stores_one_row_and_the_replay_is_409(client, attempt):
    data = answer_data(attempt, 2)
    first = client.post(question_url(attempt, 2), data)
    before = snapshot()

    replay = client.post(question_url(attempt, 2), data)

    assert first.status_code == 302
    assert replay.status_code == 409
    assert "Nothing was changed" in replay.content.decode()
    assert snapshot() == before
    assert Answer.objects.filter(question=slot_at(attempt, 2).question).count() == 1


def test_a_stale_form_from_another_tab_is_409_and_changes_nothing(client, attempt):
    question = slot_at(attempt, 2).question
    client.post(question_url(attempt, 2), {"seq": 0, **right_answer(question), "go": "next"})
    before = snapshot()

    # The other tab still shows seq 0 and now sends a different answer.
    stale = {"seq": 0, **wrong_answer(question), "go": "next"}
    response = client.post(question_url(attempt, 2), stale)

    html = response.content.decode()
    assert response.status_code == 409
    assert "This page was out of date" in html
    assert snapshot() == before
    assert Answer.objects.get(question=question).is_correct
    # The page shown again carries the current token, so the learner can carry on.
    assert 'name="seq" value="1"' in html or attempt.is_practice


def test_a_stale_htmx_submission_swaps_in_the_message(client, attempt):
    data = answer_data(attempt, 2)
    client.post(question_url(attempt, 2), data)
    before = snapshot()

    response = client.post(question_url(attempt, 2), data, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 409
    assert '<div id="question-panel"' in html
    assert 'role="alert"' in html
    assert snapshot() == before


def test_practice_mode_refuses_a_second_answer_even_with_the_current_token(client):
    attempt = start(client, quiz_with_every_type())
    client.post(question_url(attempt, 1), answer_data(attempt, 1, right=False))
    before = snapshot()

    response = client.post(question_url(attempt, 1), answer_data(attempt, 1))  # seq is 1 now

    assert response.status_code == 409
    assert "already answered this question" in response.content.decode()
    assert snapshot() == before


def test_submit_answer_with_a_stale_sequence_raises_and_changes_nothing():
    quiz = quiz_with_every_type(exam=True)
    attempt = services.start_attempt(quiz=quiz, user=AnonymousUser(), token="t", now=T0)
    slot = attempt.slots.get(position=1)
    question = Question.objects.with_keys().get(pk=slot.question_id)
    choice = question.choices.get(fraction=1).pk
    given = services.Given(choice_ids=(choice,))
    services.submit_answer(
        attempt=attempt, slot=slot, question=question, given=given, sequence=0, now=T0
    )
    before = snapshot()

    with pytest.raises(services.StaleSubmission) as error:
        services.submit_answer(
            attempt=attempt, slot=slot, question=question, given=given, sequence=0, now=T0
        )

    assert error.value.status == 409
    assert snapshot() == before


# --- Finishing, and finished attempts ----------------------------------------------------


def test_finishing_twice_finishes_once(client, attempt):
    first = client.post(f"/attempts/{attempt.pk}/finish/")
    finished_at = Attempt.objects.get().finished_at
    before = snapshot()

    second = client.post(f"/attempts/{attempt.pk}/finish/")

    assert first["Location"] == second["Location"] == f"/attempts/{attempt.pk}/result/"
    assert finished_at is not None
    assert snapshot() == before


def test_finish_attempt_service_reports_only_the_first_finish():
    quiz = quiz_with_every_type()
    attempt = services.start_attempt(quiz=quiz, user=AnonymousUser(), token="t", now=T0)
    stale_copy = Attempt.objects.get(pk=attempt.pk)
    done = T0 + dt.timedelta(minutes=3)

    assert services.finish_attempt(attempt=attempt, now=done) is True
    # A second request holding its own copy, loaded before the first finish, changes nothing.
    assert services.finish_attempt(attempt=stale_copy, now=done + dt.timedelta(minutes=1)) is False
    assert services.finish_attempt(attempt=attempt, now=done + dt.timedelta(minutes=2)) is False
    assert Attempt.objects.values_list("state", "finished_at").get() == ("finished", done)


def test_an_answer_to_a_finished_attempt_is_refused(client, attempt):
    client.post(f"/attempts/{attempt.pk}/finish/")
    before = snapshot()

    response = client.post(question_url(attempt, 2), answer_data(attempt, 2, go="next"))
    htmx = client.post(question_url(attempt, 2), answer_data(attempt, 2), headers=HTMX)

    assert response.status_code == 302
    assert response["Location"] == f"/attempts/{attempt.pk}/result/"
    assert htmx["HX-Redirect"] == f"/attempts/{attempt.pk}/result/"
    assert snapshot() == before


def test_submit_answer_to_a_finished_attempt_raises_attempt_closed():
    quiz = quiz_with_every_type(exam=True)
    attempt = services.start_attempt(quiz=quiz, user=AnonymousUser(), token="t", now=T0)
    slot = attempt.slots.get(position=3)
    question = Question.objects.with_keys().get(pk=slot.question_id)
    services.finish_attempt(attempt=Attempt.objects.get(pk=attempt.pk), now=T0)
    before = snapshot()

    with pytest.raises(services.AttemptClosed):
        services.submit_answer(
            attempt=attempt,  # loaded before it was finished
            slot=slot,
            question=question,
            given=services.Given(truth=True),
            sequence=0,
            now=T0,
        )

    assert snapshot() == before


# --- Bad input: 400 with a message, never 500 --------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"seq": None}, "seq"),
        ({"seq": "abc"}, "seq"),
        ({"seq": "-1"}, "seq"),
        ({"choice": None}, "Choose an answer before submitting."),
        ({"choice": "not-a-choice-id"}, None),  # not a forged id of another question: 404
    ],
    ids=["missing seq", "garbage seq", "negative seq", "no answer", "bogus id"],
)
def test_bad_input_is_400_with_a_clear_message_and_changes_nothing(client, change, message):
    attempt = start(client, quiz_with_every_type())
    data = {k: v for k, v in {**answer_data(attempt, 1), **change}.items() if v is not None}
    before = snapshot()

    for headers in ({}, HTMX):
        response = client.post(question_url(attempt, 1), data, headers=headers)
        if message is None:
            assert response.status_code == 404
            continue
        html = response.content.decode()
        assert response.status_code == 400, html
        assert 'role="alert"' in html or 'class="field-error"' in html, "no message shown"
        if message != "seq":
            assert message in html
    assert snapshot() == before


@pytest.mark.parametrize(
    ("position", "data", "message"),
    [
        (2, {"choice": []}, "Tick at least one answer before submitting."),
        (3, {"truth": "maybe"}, "Select a valid choice."),
        (4, {"text": "   "}, "Type your answer before submitting."),
        (5, {"text": ""}, "Type your answer before submitting."),
        (6, {}, "Choose a match for “Canada”."),
    ],
    ids=["multiple", "true_false", "short", "numeric", "matching"],
)
def test_each_question_type_explains_a_missing_answer(client, position, data, message):
    attempt = start(client, quiz_with_every_type(exam=True))
    before = snapshot()

    response = client.post(question_url(attempt, position), {"seq": 0, **data})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before


def test_a_matching_answer_outside_the_offered_items_is_400(client):
    attempt = start(client, quiz_with_every_type(exam=True))
    data = answer_data(attempt, 6)
    first = next(name for name in data if name.startswith("match-"))
    data[first] = "Atlantis"
    before = snapshot()

    response = client.post(question_url(attempt, 6), data)

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert snapshot() == before


def test_a_partial_matching_answer_in_exam_mode_is_400_not_navigation(client):
    attempt = start(client, quiz_with_every_type(exam=True))
    data = answer_data(attempt, 6, go="next")
    for name in [n for n in data if n.startswith("match-")][1:]:
        data[name] = ""
    before = snapshot()

    response = client.post(question_url(attempt, 6), data)

    assert response.status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize(
    "path", ["/quizzes/{slug}/start/", "/attempts/{pk}/finish/", "/attempts/{pk}/practise-missed/"]
)
def test_get_on_a_post_only_url_is_405(client, path):
    attempt = start(client, quiz_with_every_type())
    before = snapshot()

    response = client.get(path.format(slug=attempt.quiz.slug, pk=attempt.pk))

    assert response.status_code == 405
    assert snapshot() == before


@pytest.mark.parametrize(
    "path", ["/attempts/{pk}/", "/attempts/{pk}/summary/", "/attempts/{pk}/result/"]
)
def test_post_on_a_read_only_url_is_405(client, path):
    attempt = start(client, quiz_with_every_type())
    before = snapshot()

    assert client.post(path.format(pk=attempt.pk)).status_code == 405
    assert snapshot() == before


# --- Nothing in the form's layout gives the answer away ----------------------------------


def test_matching_items_are_not_listed_in_the_order_of_their_pairs():
    """Shuffling both sides with one random stream would line each item up with its match."""
    quiz = QuizFactory(shuffle_choices=True)
    question = matching_question(quiz)
    # Right-hand items already in alphabetical order, as in the seed quiz's "Drug roles".
    for pair, right in zip(question.pairs.all(), ["Apple", "Banana", "Cherry"], strict=True):
        pair.right = right
        pair.save()
    question = Question.objects.with_keys().get(pk=question.pk)
    aligned = 0
    seeds = random.Random(7).sample(range(1, 2**31), 40)
    for seed in seeds:
        attempt = Attempt(quiz=quiz, seed=seed, anonymous_token="t", mode="exam", started_at=T0)
        form = AnswerForm(attempt=attempt, question=question)
        matches = [pair.right for pair, _name in form.match_fields]  # in the order shown
        offered = [value for value, _label in form.fields[form.match_fields[0][1]].choices][1:]
        aligned += matches == offered

    # By chance, 1 shuffle in 6 lines up; every one of them lining up is a leak.
    assert aligned < len(seeds) / 2


# --- No answer key in any learner response before the question is answered ---------------

LEAK_MARKERS = ("Correct answer", "fraction", "is_correct", "data-correct", 'class="feedback')


def _plain(html: str) -> str:
    """The text a reader sees, whitespace collapsed, entities decoded."""
    return " ".join(unescape(strip_tags(html)).split())


def _hints(question: Question) -> list[str]:
    """Explanation and feedback: never shown before the question is answered."""
    texts = [_plain(question.explanation_html), question.feedback_right, question.feedback_wrong]
    texts += [c.feedback for c in question.choices.all()]
    texts += [a.feedback for a in question.accepted_answers.all()]
    texts += [n.feedback for n in question.numeric_answers.all()]
    return [" ".join(t.split()) for t in texts if t.strip()]


def _keys(question: Question) -> list[str]:
    """Right answers typed by the learner (short, numeric), which no option on the page shows.

    A key the prompt itself contains gives nothing away; a one- to three-character number
    ("3") is on every page ("Question 3 of 12") and cannot be checked this way.
    """
    texts = [a.text for a in question.accepted_answers.all()]
    texts += [str(n) for n in question.numeric_answers.all() if len(str(n)) >= 4]
    prompt = _plain(question.prompt_html).casefold()
    return [t for t in texts if t.casefold() not in prompt]


def assert_no_leak(response, questions, *, own=None, markers=True, where=""):
    """No hint of ``questions``, no key of ``own`` (the question asked on the page) and, with
    ``markers``, no answer marker at all in ``response``."""
    html = response.content.decode()
    text = _plain(html)
    for marker in LEAK_MARKERS if markers else ():
        assert marker.casefold() not in html.casefold(), (where, marker)
    for question in questions:
        for hint in _hints(question):
            assert hint not in text, (where, question.title, hint)
    for key in _keys(own) if own is not None else []:
        assert not re.search(rf"(?<!\w){re.escape(key)}(?!\w)", text, re.I), (where, key)


@pytest.fixture
def seeded(db):
    call_command("load_seeds", stdout=StringIO())


@pytest.mark.parametrize("mode", ["practice", "exam"])
@pytest.mark.parametrize(
    "slug", ["rubio-security-collaboration", "us-mexico-reset", "us-mexico-reset-exam"]
)
def test_no_learner_response_shows_an_answer_before_it_is_given(seeded, client, slug, mode):
    Quiz.objects.filter(slug=slug).update(mode=mode)
    quiz = Quiz.objects.select_related("lesson").get(slug=slug)
    everything = list(Question.objects.with_keys().filter(quiz=quiz))
    assert_no_leak(client.get(quiz.lesson.get_absolute_url()), everything, where="lesson page")

    attempt = start(client, quiz)
    slots = list(attempt.slots.all())
    by_pk = {q.pk: q for q in everything}
    for slot in slots:
        n, question = slot.position, by_pk[slot.question_id]
        # Practice: the questions not yet answered. Exam: every question, until the result.
        hidden = [by_pk[s.question_id] for s in slots if mode == "exam" or s.position >= n]
        url = question_url(attempt, n)
        for headers in ({}, HTMX):
            page = client.get(url, headers=headers)
            assert page.status_code == 200
            assert_no_leak(page, hidden, own=question, where=f"GET {n} {headers}")
            blank = client.post(url, {"seq": slot.sequence}, headers=headers)
            assert blank.status_code == 400
            assert_no_leak(blank, hidden, own=question, where=f"blank POST {n} {headers}")

        data = {"seq": slot.sequence, **right_answer(question), "go": "next"}
        headers = HTMX if n % 2 else {}
        answered = client.post(url, data, headers=headers)
        assert Answer.objects.filter(attempt=attempt, question=question).exists()
        after = client.get(url, headers=headers)
        if mode == "practice":
            shown = answered if headers else after
            assert _plain(question.explanation_html) in _plain(shown.content.decode())
            # The feedback on this answer, and nothing about the questions still to come.
            assert_no_leak(shown, hidden[1:], markers=False, where=f"feedback {n}")
        else:
            assert answered.status_code in (200, 302)
            assert_no_leak(after, hidden, own=question, where=f"exam GET {n} after answering")

    if mode == "exam":
        summary = client.get(f"/attempts/{attempt.pk}/summary/")
        assert_no_leak(summary, everything, where="summary")
    client.post(f"/attempts/{attempt.pk}/finish/")
    page = client.get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert 'aria-label="Score: 100%"' in page
    result = _plain(page)
    for question in everything:
        assert _plain(question.explanation_html) in result
