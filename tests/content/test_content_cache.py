"""Cached lesson content goes stale the moment content changes, whoever changed it and how.

Each test views a page first, so the prepared content sits in the cache, then changes content
one way and views again: the change must be on the page.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client

from civics.content import contentcache
from civics.content.models import ContentVersion, Lesson
from civics.progress import views
from tests.factories import (
    ActionItemFactory,
    KeyPointFactory,
    LessonFactory,
    LessonSectionFactory,
    SourceFactory,
    TopicFactory,
)
from tests.quizzes.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson():
    lesson = LessonFactory(topics=[TopicFactory(name="Water rights")], source=SourceFactory())
    LessonSectionFactory(lesson=lesson, heading="Where the water goes")
    KeyPointFactory(lesson=lesson, text="Three states share the river.")
    ActionItemFactory(lesson=lesson, text="Write to the compact commission.")
    QuestionFactory(quiz=QuizFactory(lesson=lesson))
    return lesson


def page(client, lesson) -> str:
    response = client.get(lesson.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def warm(client, lesson) -> str:
    page(client, lesson)
    return page(client, lesson)


def without_tokens(html: str) -> str:
    """CSRF tokens are masked afresh on every response."""
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html)


def tokens_in(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def cold(client, lesson) -> str:
    cache.clear()
    return page(client, lesson)


def test_a_prepared_page_is_the_page_rendered_from_scratch(client, lesson, django_user_model):
    """The cached facts and body fragment give the page a render from the rows would give."""
    first, second, _third = lesson.actions.get(), *ActionItemFactory.create_batch(2, lesson=lesson)
    tick = f"{lesson.get_absolute_url()}actions/{{}}/tick/"
    for visitor in ("anonymous", "signed in"):
        if visitor == "signed in":
            client.force_login(django_user_model.objects.create_user("reader", password="x"))
        client.post(tick.format(first.pk), {"done": "1"})
        client.post(tick.format(second.pk), {"done": "1", "note": "Sent on Monday"})

        from_scratch = cold(client, lesson)
        prepared = page(client, lesson)

        assert without_tokens(prepared) == without_tokens(from_scratch)
        assert prepared.count("Mark as not done") == 2
        assert "Sent on Monday" in prepared
        assert prepared.count("Mark as done") == 1
        assert prepared.count('name="csrfmiddlewaretoken"') == 1 + 3 + (visitor == "signed in")
        assert len(set(tokens_in(prepared))) == 1  # every form carries this response's token


EDITS = {
    "section heading": (
        lambda lesson: _save(
            lesson.sections.get(heading="Where the water goes"), heading="Who gets the water"
        ),
        "Who gets the water",
    ),
    "new key point": (
        lambda lesson: KeyPointFactory(lesson=lesson, text="Dry years cut every share."),
        "Dry years cut every share.",
    ),
    "action text": (
        lambda lesson: _save(lesson.actions.get(), text="Call the state water office."),
        "Call the state water office.",
    ),
    "topic name": (
        lambda lesson: _save(lesson.topics.get(), name="Rivers and law"),
        "Rivers and law",
    ),
    "topic added": (
        lambda lesson: lesson.topics.add(TopicFactory(name="Farming")),
        "Farming",
    ),
    "source title": (
        lambda lesson: _save(lesson.source, title="The compact at one hundred"),
        "The compact at one hundred",
    ),
    "quiz mode": (
        lambda lesson: _save(lesson.quizzes.get(), mode="exam"),
        "in exam mode",
    ),
    "question added": (
        lambda lesson: QuestionFactory(quiz=lesson.quizzes.get()),
        "2 questions",
    ),
    "summary": (
        lambda lesson: _save(lesson, summary="A century-old deal splits one river."),
        "A century-old deal splits one river.",
    ),
}


def _save(obj, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()


@pytest.mark.parametrize("edit", EDITS)
def test_a_saved_change_shows_on_the_next_view(client, lesson, edit):
    change, expected = EDITS[edit]
    assert expected not in warm(client, lesson)

    change(lesson)

    assert expected in page(client, lesson)


def test_a_deleted_action_leaves_the_page(client, lesson):
    assert "Write to the compact commission." in warm(client, lesson)

    lesson.actions.get().delete()

    assert "Write to the compact commission." not in page(client, lesson)


def test_unpublishing_with_the_admin_bulk_action_hides_the_lesson(educator_client, client, lesson):
    warm(client, lesson)

    response = educator_client.post(
        "/admin/civics/lesson/",
        {"action": "unpublish", "_selected_action": [lesson.pk]},
    )

    assert response.status_code == 302
    assert Lesson.objects.get(pk=lesson.pk).status == Lesson.Status.DRAFT
    assert client.get(lesson.get_absolute_url()).status_code == 404


def test_another_process_bump_shows_at_once_in_this_process(client, lesson):
    """A worker that did not see the save still reads the new number from the database."""
    warm(client, lesson)

    # What another gunicorn worker's save leaves behind: new rows and a new number, no signal here.
    Lesson.objects.filter(pk=lesson.pk).update(summary="Changed in another process.")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE civics_contentversion SET number = number + 7 WHERE id = 1")

    assert "Changed in another process." in page(client, lesson)


def test_a_rolled_back_change_does_not_leave_its_number_behind(lesson):
    before = contentcache.current_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        _save(lesson, title="Never committed")
        rolled_back = contentcache.current_version()
        raise RuntimeError
    assert contentcache.current_version() == before != rolled_back

    _save(lesson, title="Committed")

    # Numbers are drawn at random, so the next version cannot meet what was cached under the
    # rolled-back one.
    assert contentcache.current_version() not in (before, rolled_back)


def test_a_flushed_database_gets_its_row_back_on_the_next_change(lesson):
    ContentVersion.objects.all().delete()
    assert contentcache.current_version() == 0

    _save(lesson, title="After the flush")

    assert contentcache.current_version() != 0
    assert ContentVersion.objects.count() == 1


def test_learner_activity_does_not_make_content_stale(client, lesson, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    warm(client, lesson)
    version = contentcache.current_version()

    action = lesson.actions.get()
    client.post(f"{lesson.get_absolute_url()}actions/{action.pk}/tick/", {"done": "1"})
    client.post(f"/quizzes/{lesson.quizzes.get().slug}/start/")

    assert contentcache.current_version() == version


def _question_of(lesson):
    return lesson.quizzes.get().questions.get()


@pytest.mark.parametrize(
    ("changelist", "target"),
    [("quiz", lambda lesson: lesson.quizzes.get()), ("question", _question_of)],
)
def test_unpublishing_quizzes_or_questions_in_bulk_updates_the_quiz_call(
    educator_client, client, lesson, changelist, target
):
    assert "Take the full quiz" in warm(client, lesson)

    response = educator_client.post(
        f"/admin/quizzes/{changelist}/",
        {"action": "unpublish", "_selected_action": [target(lesson).pk]},
    )

    assert response.status_code == 302
    html = page(client, lesson)
    assert ("Take the full quiz" in html) is (changelist == "question")
    assert ("0 questions" in html) is (changelist == "question")


# --- A first visit: the page rendered like any other, with the visitor's own token -----------


def test_each_first_visit_gets_the_same_page_with_its_own_token(client, lesson):
    warm(client, lesson)

    one, two = Client().get(lesson.get_absolute_url()), Client().get(lesson.get_absolute_url())

    html_one, html_two = one.content.decode(), two.content.decode()
    assert without_tokens(html_one) == without_tokens(html_two)
    assert one.cookies["csrftoken"].value != two.cookies["csrftoken"].value
    assert set(tokens_in(html_one)).isdisjoint(tokens_in(html_two))
    assert [t.name for t in one.templates][
        0
    ] == "civics/lesson_detail.html"  # render(), as any page


def test_the_token_on_a_first_visit_page_is_accepted(lesson):
    page(Client(), lesson)  # the content is prepared: this visit reads it from the cache
    browser = Client(enforce_csrf_checks=True)
    response = browser.get(lesson.get_absolute_url())
    assert "Cookie" in response.headers["Vary"]
    assert "csrftoken" in response.cookies
    token = tokens_in(response.content.decode())[-1]  # the checklist item's form
    action = lesson.actions.get()

    ticked = browser.post(
        f"{lesson.get_absolute_url()}actions/{action.pk}/tick/",
        {"done": "1", "csrfmiddlewaretoken": token},
    )

    assert ticked.status_code == 302
    after = page(browser, lesson)  # now with a session
    assert "Mark as not done" in after
    assert "1 of 1 done" in after


def test_every_tick_form_gets_one_token_of_its_own_tied_by_the_form_attribute(lesson):
    ActionItemFactory(lesson=lesson, text="Attend the next hearing.")
    html = page(Client(), lesson)

    forms = re.findall(r'<form class="action__tick" id="(tick-form-\d+)"', html)
    tied = re.findall(r'name="csrfmiddlewaretoken" value="[^"]+" form="(tick-form-\d+)"', html)
    assert len(forms) == 2 and sorted(tied) == sorted(forms)
    for item in re.findall(r'<li class="action.*?</li>', html, flags=re.S):
        assert "csrfmiddlewaretoken" not in item  # the items are shared; the tokens are not


def test_an_untouched_checklist_is_rendered_once_per_content_version(client, lesson, monkeypatch):
    page(Client(), lesson)  # prepares the page and the untouched checklist
    rendered = []
    monkeypatch.setattr(
        views, "_lesson_context", _spy(views._lesson_context, rendered), raising=True
    )
    second = Client().get(lesson.get_absolute_url())
    names = [t.name for t in second.templates]
    assert "civics/_action_item.html" not in names  # taken from the cached fragment
    assert rendered == [True]

    ticker = Client()
    page(ticker, lesson)
    token = tokens_in(page(ticker, lesson))[-1]
    action = lesson.actions.get()
    ticker.post(action_url(lesson, action), {"done": "1", "csrfmiddlewaretoken": token})
    touched = ticker.get(lesson.get_absolute_url())
    assert "civics/_action_item.html" in [t.name for t in touched.templates]
    assert "Mark as not done" in touched.content.decode()
    assert "Mark as not done" not in Client().get(lesson.get_absolute_url()).content.decode()


def _spy(function, seen):
    def spy(*args, **kwargs):
        context = function(*args, **kwargs)
        seen.append(context["checklist_untouched"])
        return context

    return spy


def action_url(lesson, action) -> str:
    return f"{lesson.get_absolute_url()}actions/{action.pk}/tick/"


def test_a_content_change_reaches_first_and_returning_visitors_at_once(client, lesson):
    returning = Client()
    returning.post(
        f"{lesson.get_absolute_url()}actions/{lesson.actions.get().pk}/tick/", {"done": "1"}
    )
    warm(returning, lesson)
    warm(Client(), lesson)

    _save(lesson.sections.get(heading="Where the water goes"), heading="Who gets the water")

    assert "Who gets the water" in page(Client(), lesson)
    html = page(returning, lesson)
    assert "Who gets the water" in html
    assert "1 of 1 done" in html


def test_each_request_gets_its_own_copy_of_the_cached_facts(lesson):
    version = contentcache.current_version()
    first, _ = views.lesson_page(lesson.slug, version=version)
    again, rows = views.lesson_page(lesson.slug, version=version)

    assert again == first
    assert again is not first
    assert again.actions[0] is not first.actions[0]
    assert not isinstance(first, Lesson)
    assert rows.pk == lesson.pk  # the body's rows, loaded only if its fragment is not cached


def test_a_made_up_address_is_a_404_and_leaves_nothing_in_the_cache(client, lesson):
    warm(client, lesson)

    for n in range(3):
        assert client.get(f"/lessons/no-such-lesson-{n}/").status_code == 404

    version = contentcache.current_version()
    for n in range(3):
        assert cache.get(f"content:{version}:lesson-page:no-such-lesson-{n}") is None
    assert "Where the water goes" in page(client, lesson)
