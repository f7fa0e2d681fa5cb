"""The "What you can do" checklist: ticking and unticking actions, with an optional note, kept in
the session for anonymous learners and in ActionTick rows (with the time) for signed-in ones."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from civics.progress.models import ActionTick, LessonRead
from tests.factories import ActionItemFactory, LessonFactory, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def lesson():
    """A published lesson with an eight-item checklist."""
    lesson = LessonFactory(slug="border-talks", title="Border talks")
    for order in range(1, 9):
        ActionItemFactory(lesson=lesson, order=order, text=f"Civic action number {order}.")
    return lesson


def actions(lesson):
    return list(lesson.actions.order_by("order"))


def tick_url(action, slug=None) -> str:
    return f"/lessons/{slug or action.lesson.slug}/actions/{action.pk}/tick/"


def tick(client, action, done="1", note="", **extra):
    return client.post(tick_url(action), {"done": done, "note": note}, **extra)


def session_ticks(client) -> dict:
    return client.session.get("action_ticks", {})


# --- Anonymous learners: the session -----------------------------------------------------


def test_anonymous_tick_with_a_note_lives_in_the_session(client, lesson):
    action = actions(lesson)[2]
    before = timezone.now()

    response = tick(client, action, note="Called on Tuesday")

    assert response.status_code == 302
    assert response["Location"] == f"/lessons/border-talks/#action-{action.pk}"
    stored = session_ticks(client)
    assert list(stored) == [str(action.pk)]
    assert stored[str(action.pk)]["note"] == "Called on Tuesday"
    assert before <= dt.datetime.fromisoformat(stored[str(action.pk)]["at"]) <= timezone.now()
    assert not ActionTick.objects.exists()
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert "1 of 8 done" in html
    assert "Called on Tuesday" in html
    assert "to keep your checklist" in html  # the invitation to create an account


def test_anonymous_untick_removes_it_from_the_session(client, lesson):
    first, second = actions(lesson)[:2]
    tick(client, first)
    tick(client, second)

    response = tick(client, first, done="0")

    assert response.status_code == 302
    assert list(session_ticks(client)) == [str(second.pk)]
    assert "1 of 8 done" in client.get(lesson.get_absolute_url()).content.decode()


def test_anonymous_ticks_are_not_shared_between_browsers(client, lesson):
    tick(client, actions(lesson)[0])

    assert "0 of 8 done" in Client().get(lesson.get_absolute_url()).content.decode()


# --- Signed-in learners: rows with the time ----------------------------------------------


def test_signed_in_tick_is_a_row_with_the_note_and_the_time(client, lesson):
    user = UserFactory()
    client.force_login(user)
    action = actions(lesson)[0]
    before = timezone.now()

    response = tick(client, action, note="  Wrote to my senator  ")

    assert response.status_code == 302
    row = ActionTick.objects.get()
    assert (row.user, row.action, row.note) == (user, action, "Wrote to my senator")
    assert before <= row.ticked_at <= timezone.now()
    assert "action_ticks" not in client.session


def test_ticking_again_changes_the_note_but_keeps_the_first_time(client, lesson):
    client.force_login(UserFactory())
    action = actions(lesson)[0]
    tick(client, action, note="first")
    first_time = ActionTick.objects.get().ticked_at

    tick(client, action, note="second")

    row = ActionTick.objects.get()
    assert (row.note, row.ticked_at) == ("second", first_time)


def test_signed_in_untick_deletes_only_that_row(client, lesson):
    user = UserFactory()
    client.force_login(user)
    first, second = actions(lesson)[:2]
    tick(client, first)
    tick(client, second)

    tick(client, first, done="0")

    assert list(ActionTick.objects.values_list("action_id", flat=True)) == [second.pk]


def test_note_of_exactly_280_characters_is_kept(client, lesson):
    client.force_login(UserFactory())

    tick(client, actions(lesson)[0], note="x" * 280)

    assert ActionTick.objects.get().note == "x" * 280


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"done": "1", "note": "x" * 281}, "Keep the note to 280 characters or fewer."),
        ({"done": "yes"}, "Choose whether the action is done."),
        ({"note": "no done field"}, "Choose whether the action is done."),
    ],
    ids=["note-281", "done-garbage", "done-missing"],
)
def test_bad_tick_is_refused_with_400_and_saves_nothing(client, lesson, signed_in, data, message):
    if signed_in:
        client.force_login(UserFactory())
    action = actions(lesson)[0]

    response = client.post(tick_url(action), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" in html  # the whole lesson page, with the message beside the item
    assert message in html
    assert f'id="note-error-{action.pk}"' in html
    assert not ActionTick.objects.exists()
    assert session_ticks(client) == {}


def test_bad_untick_of_a_ticked_action_keeps_the_tick(client, lesson):
    client.force_login(UserFactory())
    action = actions(lesson)[0]
    tick(client, action, note="kept")

    response = client.post(tick_url(action), {"done": "maybe"})

    assert response.status_code == 400
    assert ActionTick.objects.get().note == "kept"


def test_tick_is_post_only(client, lesson):
    assert client.get(tick_url(actions(lesson)[0])).status_code == 405


# --- htmx: the item and the progress, out of band ----------------------------------------


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_htmx_tick_returns_the_item_and_the_progress_out_of_band(client, lesson, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    first, second, third = actions(lesson)[:3]
    tick(client, first)
    tick(client, second)

    response = tick(client, third, note="Done today", **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith(f'<li class="action action--done" id="action-{third.pk}">')
    assert "Done today" in html
    assert 'id="checklist-progress"' in html
    assert 'hx-swap-oob="true"' in html
    assert "<strong>3 of 8 done</strong>" in html
    assert 'name="done" value="0"' in html  # the form now offers to untick


def test_htmx_untick_returns_the_item_ready_to_tick_again(client, lesson):
    client.force_login(UserFactory())
    action = actions(lesson)[0]
    tick(client, action)

    response = tick(client, action, done="0", **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<li class="action" id="action-{action.pk}">' in html
    assert 'name="done" value="1"' in html
    assert "<strong>0 of 8 done</strong>" in html
    assert not ActionTick.objects.exists()


def test_htmx_bad_note_returns_the_item_with_its_error(client, lesson):
    client.force_login(UserFactory())
    action = actions(lesson)[0]

    response = tick(client, action, note="x" * 281, **HTMX)

    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" not in html
    assert "Keep the note to 280 characters or fewer." in html
    assert 'aria-invalid="true"' in html
    assert "<strong>0 of 8 done</strong>" in html
    assert not ActionTick.objects.exists()


# --- Which actions can be ticked ---------------------------------------------------------


def test_an_action_of_another_lesson_under_this_lessons_slug_is_404(client, lesson):
    other = ActionItemFactory(lesson=LessonFactory())
    client.force_login(UserFactory())

    response = client.post(tick_url(other, slug=lesson.slug), {"done": "1"})

    assert response.status_code == 404
    assert not ActionTick.objects.exists()


def test_an_unknown_action_or_lesson_is_404(client, lesson):
    action = actions(lesson)[0]

    assert client.post(tick_url(action, slug="no-such-lesson"), {"done": "1"}).status_code == 404
    assert client.post("/lessons/border-talks/actions/999999/tick/", {"done": "1"}).status_code == (
        404
    )
    assert session_ticks(client) == {}


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "learner"])
def test_a_draft_lessons_action_is_404_for_learners(client, signed_in):
    draft_action = ActionItemFactory(lesson=LessonFactory(draft=True))
    if signed_in:
        client.force_login(UserFactory())

    response = client.post(tick_url(draft_action), {"done": "1"})

    assert response.status_code == 404
    assert not ActionTick.objects.exists()
    assert session_ticks(client) == {}


def test_staff_previewing_a_draft_can_tick_its_actions(client):
    draft_action = ActionItemFactory(lesson=LessonFactory(draft=True))
    client.force_login(StaffUserFactory())

    assert client.post(tick_url(draft_action), {"done": "1"}).status_code == 302
    assert ActionTick.objects.count() == 1


# --- Progress on the lesson page and the dashboard ---------------------------------------


def test_three_of_eight_done_shows_on_the_lesson_and_on_the_dashboard(client, lesson):
    client.force_login(UserFactory())
    for action in actions(lesson)[:3]:
        tick(client, action)

    lesson_html = client.get(lesson.get_absolute_url()).content.decode()
    dashboard_html = client.get("/dashboard/").content.decode()

    assert "<strong>3 of 8 done</strong>" in lesson_html
    assert lesson_html.count("action action--done") == 3
    link = f'href="{lesson.get_absolute_url()}#what-you-can-do">3 of 8 actions done</a>'
    assert link in dashboard_html
    assert '<span class="stat__value">3 of 8</span>' in dashboard_html


def test_opening_a_lesson_signed_in_records_one_read_with_its_first_time(client, lesson):
    user = UserFactory()
    client.force_login(user)

    client.get(lesson.get_absolute_url())
    first = LessonRead.objects.get(user=user, lesson=lesson).read_at
    client.get(lesson.get_absolute_url())

    assert LessonRead.objects.get(user=user, lesson=lesson).read_at == first


def test_opening_a_lesson_anonymously_records_no_read(client, lesson):
    client.get(lesson.get_absolute_url())

    assert not LessonRead.objects.exists()
