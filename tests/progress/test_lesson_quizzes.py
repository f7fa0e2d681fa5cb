"""A lesson with two quizzes (the seed packs' practice quiz and exam): the lesson page offers
both, "Take the full quiz" keeps starting the practice one, and each says whether it can be
resumed."""

import re

import pytest
from django.core.management import call_command

from civics.content import contentcache
from quizzes.models import Attempt, Quiz
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ESSAY = "/lessons/us-mexico-reset/"
NEWS = "/lessons/rubio-security-collaboration/"


@pytest.fixture(autouse=True)
def seeded(db):
    call_command("load_seeds", verbosity=0)


class QuizCall(str):
    """The quiz call's HTML, knowing the page's start forms its buttons belong to."""

    starts: dict[str, str]


def quiz_call(html: str) -> QuizCall:
    section = QuizCall(
        re.search(r'<section class="quiz-call" id="quiz".*?</section>', html, re.S).group(0)
    )
    # The buttons submit forms outside the cached fragments (form="quiz-start…").
    section.starts = {
        form_id: action
        for action, form_id in re.findall(
            r'<form method="post" action="([^"]+)" id="(quiz-start[^"]*)">', html
        )
    }
    return section


def forms(section: QuizCall) -> list[tuple[str, str]]:
    """(action, button text) of each quiz button in the quiz call."""
    buttons = re.findall(r'<button[^>]*form="(quiz-start[^"]*)"[^>]*>([^<]+)</button>', section)
    return [(section.starts[form_id], text) for form_id, text in buttons]


def test_the_lesson_page_offers_the_practice_quiz_first_and_then_the_timed_exam(client):
    section = quiz_call(client.get(ESSAY).content.decode())

    assert forms(section) == [
        ("/quizzes/us-mexico-reset/start/", "Take the full quiz"),
        ("/quizzes/us-mexico-reset-exam/start/", "Take the exam"),
    ]
    assert "with feedback after each answer" in section
    exam = section[section.index('class="quiz-call__other"') :]
    assert "<h3" in exam and "U.S.–Mexico reset exam" in exam
    assert "13 questions in exam mode, with feedback at the end" in exam
    assert "against a 15-minute timer" in exam
    assert "Pass mark 70%." in exam


def test_a_lesson_with_one_quiz_shows_one_call(client):
    section = quiz_call(client.get(NEWS).content.decode())

    assert forms(section) == [
        ("/quizzes/rubio-security-collaboration/start/", "Take the full quiz")
    ]
    assert "quiz-call__other" not in section


def test_practice_stays_first_whatever_the_titles(client):
    Quiz.objects.filter(slug="us-mexico-reset-exam").update(title="A first exam by title")
    Quiz.objects.filter(slug="us-mexico-reset").update(title="Zebra practice")
    contentcache.bump()  # a queryset update sends no signal

    section = quiz_call(client.get(ESSAY).content.decode())

    assert forms(section)[0] == ("/quizzes/us-mexico-reset/start/", "Take the full quiz")
    assert "A first exam by title" in section[section.index("quiz-call__other") :]


def test_starting_the_exam_from_the_lesson_page_runs_a_timed_exam_and_offers_to_resume_it(client):
    client.force_login(UserFactory())

    response = client.post("/quizzes/us-mexico-reset-exam/start/")

    assert response.status_code == 302
    attempt = Attempt.objects.get()
    assert attempt.quiz.slug == "us-mexico-reset-exam"
    assert attempt.mode == Quiz.Mode.EXAM
    assert attempt.deadline is not None
    assert 14 * 60 <= (attempt.deadline - attempt.started_at).total_seconds() <= 15 * 60
    section = quiz_call(client.get(ESSAY).content.decode())
    assert forms(section) == [
        ("/quizzes/us-mexico-reset/start/", "Take the full quiz"),
        ("/quizzes/us-mexico-reset-exam/start/", "Resume"),
    ]
