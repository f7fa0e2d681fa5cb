"""The statistics report is cached; every change that matters must show at once."""

import datetime as dt

import pytest
from django.utils import timezone

from quizzes import services
from quizzes.models import Question
from quizzes.services import Given
from quizzes.stats_queries import quiz_report
from tests.factories import UserFactory
from tests.quizzes.factories import QuizFactory, single_question

pytestmark = pytest.mark.django_db


def finished_attempt(quiz, user, *, right: bool, when):
    attempt = services.start_attempt(quiz=quiz, user=user, token="", now=when)
    slot = attempt.slots.get()
    question = Question.objects.with_keys().get(pk=slot.question_id)
    choice = next(c for c in question.choices.all() if (c.fraction > 0) == right)
    services.submit_answer(
        attempt=attempt, slot=slot, question=question, given=Given(choice_ids=(choice.pk,)),
        sequence=0, now=when,
    )  # fmt: skip
    services.finish_attempt(attempt=attempt, now=when + dt.timedelta(minutes=1))
    return attempt


def test_a_newly_finished_attempt_shows_in_the_cached_report():
    quiz = QuizFactory()
    single_question(quiz)
    now = timezone.now()
    finished_attempt(quiz, UserFactory(), right=True, when=now)
    assert quiz_report(quiz, first_only=False).summary.attempts == 1
    assert quiz_report(quiz, first_only=False).summary.mean == 100  # from the cache

    finished_attempt(quiz, UserFactory(), right=False, when=now + dt.timedelta(minutes=5))

    report = quiz_report(quiz, first_only=False)
    assert report.summary.attempts == 2
    assert report.summary.mean == 50


def test_a_deleted_account_leaves_the_cached_report(client):
    quiz = QuizFactory()
    single_question(quiz)
    now = timezone.now()
    stays, leaves = UserFactory(), UserFactory(password="leave-me-now-2026")
    finished_attempt(quiz, stays, right=True, when=now)
    # The leaver's attempt is the older one: the newest finish does not change on deletion.
    finished_attempt(quiz, leaves, right=False, when=now - dt.timedelta(hours=1))
    assert quiz_report(quiz, first_only=False).summary.attempts == 2

    client.force_login(leaves)
    response = client.post("/account/delete/", {"password": "leave-me-now-2026"})

    assert response.status_code == 302
    report = quiz_report(quiz, first_only=False)
    assert report.summary.attempts == 1
    assert report.summary.mean == 100
