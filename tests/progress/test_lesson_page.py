"""The lesson page's layout: a rail (contents, the quiz call to action, checklist progress) for
wide screens, jump links for phones, both plain links that work without JavaScript; the quiz
buttons share one form; the credit line goes through translation."""

import re

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.factories import (
    ActionItemFactory,
    LessonFactory,
    LessonSectionFactory,
    UserFactory,
)
from tests.quizzes.factories import AttemptFactory, QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def lesson():
    lesson = LessonFactory(
        slug="border-talks",
        title="Border talks",
        source__title="Rubio announces expanded collaboration",
        source__author="",
        source__outlet="Principle Civics",
        source__url="https://example.org/rubio",
    )
    for heading in ("What happened", "Why it matters"):
        LessonSectionFactory(lesson=lesson, heading=heading, body="Text.")
    for order in range(1, 9):
        ActionItemFactory(lesson=lesson, order=order, text=f"Civic action number {order}.")
    quiz = QuizFactory(lesson=lesson, slug="border-quiz")
    QuestionFactory.create_batch(3, quiz=quiz, section=lesson.sections.first())
    return lesson


def page(client, lesson=None) -> str:
    response = client.get("/lessons/border-talks/")
    assert response.status_code == 200
    return response.content.decode()


def between(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def test_the_rail_holds_the_contents_the_quiz_and_the_checklist_progress(client, lesson):
    html = page(client)

    rail = between(html, '<aside class="lesson-rail"', "</aside>")
    assert hrefs(between(rail, 'class="rail-box rail-toc"', "</nav>")) == [
        "#what-happened",
        "#why-it-matters",
        "#quiz",
        "#what-you-can-do",
    ]
    assert "3 questions" in rail
    assert '<button class="button" type="submit" form="quiz-start">Start the quiz</button>' in rail
    assert "<p>0 of 8 done</p>" in rail
    assert '<progress class="rail-progress__bar" value="0" max="8"' in rail


def test_phones_get_jump_links_to_each_section_the_quiz_and_the_actions(client, lesson):
    html = page(client)

    jump = between(html, '<nav class="jump-links"', "</nav>")
    targets = hrefs(jump)
    assert targets == ["#what-happened", "#why-it-matters", "#quiz", "#what-you-can-do"]
    for target in targets:  # every link lands on an element of the page
        assert f'id="{target[1:]}"' in html


def test_both_quiz_buttons_submit_the_one_start_form_with_its_csrf_token(client, lesson):
    html = page(client)

    assert html.count('form="quiz-start"') == 2
    form = re.search(r'<form method="post" action="([^"]+)" id="quiz-start">(.*?)</form>', html)
    assert form.group(1) == "/quizzes/border-quiz/start/"
    assert 'name="csrfmiddlewaretoken"' in form.group(2)


def test_an_open_attempt_turns_both_buttons_to_resume_for_its_learner_only(client, lesson):
    learner = UserFactory()
    AttemptFactory(quiz=lesson.quizzes.get(), user=learner, anonymous_token="")
    page(client)  # an anonymous visitor fills the cache first

    client.force_login(learner)
    resuming = page(client)
    client.logout()
    fresh = page(client)

    assert resuming.count("Resume the quiz</button>") == 2
    assert "Take the full quiz</button>" not in resuming
    assert "Start the quiz</button>" not in resuming
    assert fresh.count("Take the full quiz</button>") == 1
    assert fresh.count("Start the quiz</button>") == 1


def test_ticking_updates_the_rails_progress_with_and_without_htmx(client, lesson):
    first, second = list(lesson.actions.order_by("order"))[:2]
    client.post(f"/lessons/border-talks/actions/{first.pk}/tick/", {"done": "1"})

    assert "<p>1 of 8 done</p>" in between(page(client), '<aside class="lesson-rail"', "</aside>")

    response = client.post(
        f"/lessons/border-talks/actions/{second.pk}/tick/", {"done": "1"}, **HTMX
    )
    html = response.content.decode()
    oob = between(html, '<div id="rail-progress"', "</progress>")
    assert 'hx-swap-oob="true"' in oob
    assert "<p>2 of 8 done</p>" in oob
    assert 'value="2" max="8"' in oob


def test_the_credit_line_goes_through_translation(client, lesson, monkeypatch):
    def shout(message):
        return (
            message.replace("Based on", "BASED ON")
            .replace("Retold", "RETOLD")
            .replace("by ", "BY ")
        )

    cache.clear()
    monkeypatch.setattr(translation._trans, "gettext", shout, raising=False)

    html = page(client)

    credit = between(html, '<p class="credit">', "</p>")
    assert credit.startswith('<p class="credit">BASED ON <cite><a href="https://example.org/rubio"')
    assert "BY Principle Civics" in credit
    assert "RETOLD in CivicPath&#x27;s own words." in credit  # (the fake drops "safe")
