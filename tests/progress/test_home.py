"""The home page greets a returning learner with "Continue where you left off": their open
quiz attempt first, else the lesson they last opened; a first visit sees no greeting and runs
no extra query."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civics.progress.models import LessonRead
from quizzes.models import Attempt
from tests.factories import LessonFactory, UserFactory
from tests.quizzes.factories import AttemptFactory, QuizFactory

pytestmark = pytest.mark.django_db

GREETING = "Continue where you left off"


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def read(user, lesson, minutes_ago: int) -> None:
    LessonRead.objects.create(
        user=user, lesson=lesson, read_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )


def test_a_first_visit_has_no_greeting_and_no_extra_query(client):
    LessonFactory()

    with CaptureQueriesContext(connection) as queries:
        html = home(client)

    assert GREETING not in html
    assert len(queries) == 3  # as pinned in tests/content/test_queries.py


def test_a_signed_in_learner_with_an_open_quiz_is_sent_back_to_it(client):
    learner = UserFactory()
    attempt = AttemptFactory(
        quiz=QuizFactory(title="Border security quiz"), user=learner, anonymous_token=""
    )
    read(learner, LessonFactory(title="Some other lesson"), minutes_ago=1)
    client.force_login(learner)

    html = home(client)

    assert GREETING in html
    assert "Your quiz in progress: Border security quiz" in html
    assert f'<a class="button" href="{attempt.get_absolute_url()}">Resume the quiz</a>' in html
    assert "Some other lesson</a>" not in html.split(GREETING)[1].split("</section>")[0]


def test_an_anonymous_learner_with_an_open_quiz_in_the_session_is_sent_back_to_it(client):
    client.get("/")  # a session
    session = client.session
    session["learner_token"] = "tok-1"
    session.save()
    attempt = AttemptFactory(quiz=QuizFactory(title="Trade quiz"), anonymous_token="tok-1")
    AttemptFactory(quiz=QuizFactory(title="Someone else's quiz"), anonymous_token="tok-2")

    html = home(client)

    assert "Your quiz in progress: Trade quiz" in html
    assert attempt.get_absolute_url() in html
    assert "Someone else" not in html


def test_without_an_open_quiz_the_lesson_last_opened_is_offered(client):
    learner = UserFactory()
    older = LessonFactory(title="Older lesson")
    newer = LessonFactory(title="Newer lesson", slug="newer-lesson")
    draft = LessonFactory(title="Unpublished now", draft=True)
    read(learner, older, minutes_ago=60)
    read(learner, newer, minutes_ago=5)
    read(learner, draft, minutes_ago=1)  # unpublished since: not offered
    AttemptFactory(
        user=learner,
        anonymous_token="",
        state=Attempt.State.FINISHED,
        finished_at=timezone.now(),
    )
    client.force_login(learner)

    html = home(client)

    assert "The lesson you last opened: Newer lesson" in html
    assert '<a class="button" href="/lessons/newer-lesson/">Back to the lesson</a>' in html


def test_a_quiz_whose_time_is_up_is_not_offered(client):
    learner = UserFactory()
    AttemptFactory(
        user=learner, anonymous_token="", deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    client.force_login(learner)

    assert GREETING not in home(client)


def test_a_signed_in_learner_with_nothing_to_resume_sees_no_greeting(client):
    client.force_login(UserFactory())

    assert GREETING not in home(client)


@pytest.mark.parametrize("reads", [1, 20])
def test_the_greeting_costs_the_same_queries_however_much_was_read(client, reads):
    learner = UserFactory()
    for n in range(reads):
        read(learner, LessonFactory(), minutes_ago=n)
    client.force_login(learner)

    with CaptureQueriesContext(connection) as queries:
        html = home(client)

    assert GREETING in html
    # session, user, the catalogue's three, no open attempt, the last read
    assert len(queries) == 7, [q["sql"] for q in queries]
