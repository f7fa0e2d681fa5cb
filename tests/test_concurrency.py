"""Races on PostgreSQL: requests that arrive together store each answer once, finish an attempt
once, lose no review-box move and start one attempt.

Each thread works on its own database connection (Django's connections are per thread) and
waits at a barrier so the racing calls leave together. SQLite is skipped: it serialises every
writer with one database lock, so it cannot show these races; CI runs this file on PostgreSQL.
"""

import datetime as dt
import random
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client

from quizzes import services
from quizzes.models import Answer, Attempt, Question, ReviewItem, Slot
from tests.factories import UserFactory

from .quizzes.factories import (
    T0,
    QuizFactory,
    question_url,
    right_answer,
    single_question,
    slot_at,
    start,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks only race on PostgreSQL (SQLite has one writer); CI runs these there",
    ),
]

DAY = dt.timedelta(days=1)


def run_together(count: int, prepare: Callable[[int], Callable[[], object]]) -> list:
    """Run ``count`` threads; each loads what it needs with ``prepare(i)``, waits for the
    others, then calls what ``prepare`` returned. Returns each thread's result or exception."""
    barrier = threading.Barrier(count, timeout=30)
    results: list = [None] * count

    def work(i: int) -> None:
        try:
            try:
                action = prepare(i)
            except Exception:
                barrier.abort()  # the others stop waiting for this thread
                raise
            barrier.wait()
            results[i] = action()
        except Exception as error:  # reported to the test, which names what it expected
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return results


def kinds(results: list) -> Counter:
    return Counter(type(result).__name__ for result in results)


def single_choice(question: Question, *, right: bool) -> services.Given:
    choice = next(c for c in question.choices.all() if (c.fraction >= 1) == right)
    return services.Given(choice_ids=(choice.pk,))


def new_attempt(quiz, user, question_ids: list[int], retry_of=None) -> Attempt:
    return services._create_attempt(
        retry_of=retry_of,
        quiz=quiz,
        user=user,
        token="",
        mode=quiz.mode,
        question_ids=question_ids,
        now=T0,
        rng=random.Random(1),
        deadline_minutes=None,
    )


# --- The same answer, twenty times at once -----------------------------------------------


@pytest.mark.parametrize("mode", ["practice", "exam"])
def test_twenty_identical_submissions_store_one_answer_and_count_once(mode):
    quiz = QuizFactory(mode=mode)
    question = single_question(quiz)
    single_question(quiz)
    user = UserFactory()
    attempt = services.start_attempt(quiz=quiz, user=user, token="", now=T0)
    slot_pk = slot_at(attempt, 1).pk

    def prepare(i):
        mine = Attempt.objects.get(pk=attempt.pk)
        slot = Slot.objects.get(pk=slot_pk)
        keyed = Question.objects.with_keys().get(pk=question.pk)
        given = single_choice(keyed, right=True)
        return lambda: services.submit_answer(
            attempt=mine, slot=slot, question=keyed, given=given, sequence=0, now=T0
        )

    results = run_together(20, prepare)

    assert kinds(results) == {"Answer": 1, "StaleSubmission": 19}, results
    assert Answer.objects.filter(attempt=attempt).count() == 1
    assert Answer.choices.through.objects.filter(answer__attempt=attempt).count() == 1
    assert Slot.objects.get(pk=slot_pk).sequence == 1
    scored = Attempt.objects.with_score().get(pk=attempt.pk)
    assert scored.points_total == 1.0
    assert not ReviewItem.objects.exists()  # a first right answer does not enter the queue


def test_twenty_identical_posts_of_one_session_store_one_answer_and_the_rest_are_409():
    quiz = QuizFactory()
    single_question(quiz)
    single_question(quiz)
    browser = Client()
    attempt = start(browser, quiz)
    cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value
    data = {"seq": 0, **right_answer(slot_at(attempt, 1).question)}

    def prepare(i):
        tab = Client()
        tab.cookies[settings.SESSION_COOKIE_NAME] = cookie
        return lambda: tab.post(question_url(attempt, 1), data).status_code

    statuses = run_together(20, prepare)

    assert Counter(statuses) == {302: 1, 409: 19}, statuses
    assert Answer.objects.filter(attempt=attempt).count() == 1
    assert slot_at(attempt, 1).sequence == 1
    assert Attempt.objects.with_score().get(pk=attempt.pk).points_total == 1.0


# --- Finishing ---------------------------------------------------------------------------


def test_ten_concurrent_finishes_finish_the_attempt_once():
    quiz = QuizFactory()
    single_question(quiz)
    attempt = services.start_attempt(quiz=quiz, user=UserFactory(), token="", now=T0)
    times = [T0 + dt.timedelta(minutes=i + 1) for i in range(10)]

    def prepare(i):
        mine = Attempt.objects.get(pk=attempt.pk)
        return lambda: services.finish_attempt(attempt=mine, now=times[i])

    results = run_together(10, prepare)

    assert Counter(results) == {True: 1, False: 9}, results
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED
    assert attempt.finished_at == times[results.index(True)]


# --- The review queue --------------------------------------------------------------------


# (in the queue, due, in box 2 before?, first attempt right?, second attempt right?) -> where the
# question ends up, whatever order the two answers land in: (box, due in days) or None.
REVIEW_RACES = [
    # Right then wrong ends in box 1; wrong then right leaves box 1 (not due again yet). A lost
    # update (both read box 2) would leave box 3.
    ((True, True, False), (1, 1)),
    ((True, False, True), (1, 1)),
    ((True, True, False), (1, 1)),
    ((True, False, False), (1, 1)),
    # The first right answer moves it up; the second finds it not due and changes nothing.
    ((True, True, True), (3, 7)),
    # Not queued, missed twice at once: both try to create the row; one row, no IntegrityError.
    ((False, False, False), (1, 1)),
    ((False, False, False), (1, 1)),
    # A right answer to a question not in the queue leaves it out, before or after the miss.
    ((False, True, False), (1, 1)),
    ((False, True, True), None),
]


def test_concurrent_answers_move_every_review_box_and_lose_nothing():
    quiz = QuizFactory()
    questions = [single_question(quiz) for _ in REVIEW_RACES]
    user = UserFactory()
    for question, ((queued, _, _), _) in zip(questions, REVIEW_RACES, strict=True):
        if queued:
            ReviewItem.objects.create(
                user=user, question=question, box=2, due_at=T0 - DAY, updated_at=T0 - 3 * DAY
            )
    # Two attempts of the same learner — the quiz and a practice retry of it, as only one plain
    # attempt per quiz may be open: within one, each thread answers a different question;
    # across the two, every question is answered twice at the same moment.
    first = new_attempt(quiz, user, [q.pk for q in questions])
    second = new_attempt(quiz, user, [q.pk for q in reversed(questions)], retry_of=first)
    jobs = []
    for question, ((_, first_right, second_right), _) in zip(questions, REVIEW_RACES, strict=True):
        jobs += [(first, question, first_right), (second, question, second_right)]

    def prepare(i):
        owner, question, correct = jobs[i]
        mine = Attempt.objects.get(pk=owner.pk)
        slot = Slot.objects.get(attempt=mine, question=question)
        keyed = Question.objects.with_keys().get(pk=question.pk)
        given = single_choice(keyed, right=correct)
        return lambda: services.submit_answer(
            attempt=mine, slot=slot, question=keyed, given=given, sequence=0, now=T0
        )

    results = run_together(len(jobs), prepare)

    assert kinds(results) == {"Answer": len(jobs)}, results
    assert Answer.objects.filter(attempt__user=user).count() == len(jobs)
    boxes = {
        item.question_id: (item.box, (item.due_at - T0) // DAY)
        for item in ReviewItem.objects.filter(user=user)
    }
    expected = {
        question.pk: end
        for question, (_, end) in zip(questions, REVIEW_RACES, strict=True)
        if end is not None
    }
    assert boxes == expected


# --- Starting ----------------------------------------------------------------------------


@pytest.mark.parametrize("learner", ["account", "anonymous"])
def test_ten_concurrent_starts_make_one_attempt_in_progress(learner):
    user = UserFactory() if learner == "account" else AnonymousUser()
    token = "" if learner == "account" else services.new_token()
    # Three rounds, one quiz each: one round can miss the race when the threads happen to run
    # one after another.
    for _ in range(3):
        quiz = QuizFactory()
        single_question(quiz)

        def prepare(i, quiz=quiz):
            return lambda: services.start_attempt(quiz=quiz, user=user, token=token, now=T0).pk

        results = run_together(10, prepare)

        assert all(isinstance(pk, int) for pk in results), results
        in_progress = Attempt.objects.owned_by(user=user, token=token).filter(
            quiz=quiz, state=Attempt.State.IN_PROGRESS
        )
        assert in_progress.count() == 1, f"{in_progress.count()} attempts in progress: {results}"
        assert set(results) == {in_progress.get().pk}
