"""A form error is shown inside the page, with the page intact, whether DEBUG is on or off: the
site's 400s are form errors swapped in place, so the layout must not load django-htmx's debug
handler (with DEBUG on it replaces the whole document with any 400 response)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from .test_quiz import RUBIO_LESSON, start_quiz

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeded(live_server):
    call_command("load_seeds", verbosity=0)
    return live_server


def page_is_whole(page) -> None:
    expect(page.locator(".site-header")).to_be_visible()
    expect(page.locator("link[rel=stylesheet]")).to_have_count(1)
    expect(page.locator(".site-footer")).to_be_visible()


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_an_empty_answer_is_refused_in_place(seeded, page, settings, debug):
    settings.DEBUG = debug
    start_quiz(page, seeded.url)
    page.get_by_role("button", name="Check", exact=True).click()

    expect(page.locator(".field-error")).to_be_visible()
    page_is_whole(page)
    expect(page.get_by_role("button", name="Check", exact=True)).to_be_visible()


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_a_too_long_checklist_note_is_refused_in_place(seeded, page, settings, debug):
    settings.DEBUG = debug
    page.goto(seeded.url + RUBIO_LESSON)
    first = page.locator("#what-you-can-do li").first
    first.locator("input[name=note]").evaluate("note => { note.value = 'x'.repeat(281); }")
    first.get_by_role("button", name="Mark as done").click()

    expect(page.locator("#what-you-can-do .field-error")).to_be_visible()
    page_is_whole(page)
    expect(page.locator("#what-you-can-do li")).to_have_count(8)


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_sign_up_and_log_in_errors_are_shown_on_their_forms(seeded, page, settings, debug):
    settings.DEBUG = debug
    page.goto(seeded.url + "/account/signup/")
    page.get_by_label("Username").fill("newcomer")
    page.locator("input[name=password1]").fill("a long enough passphrase")
    page.locator("input[name=password2]").fill("a different passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".field-error").first).to_be_visible()
    page_is_whole(page)
    expect(page.get_by_label("Username")).to_have_value("newcomer")

    page.goto(seeded.url + "/account/login/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".notice--error")).to_be_visible()
    page_is_whole(page)


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_account_page_errors_are_shown_on_their_forms(seeded, browser, settings, debug, javascript):
    settings.DEBUG = debug
    get_user_model().objects.create_user("ana", password="a long enough passphrase")
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto(seeded.url + "/account/login/")
        page.get_by_label("Username").fill("ana")
        page.get_by_label("Password").fill("a long enough passphrase")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/dashboard/")
        page.goto(seeded.url + "/account/")

        page.get_by_label("E-mail address").fill("not an address")
        page.get_by_role("button", name="Send a confirmation link").click()

        error = page.locator(".field-error")
        expect(error).to_be_visible()
        expect(error).to_contain_text("valid email address")
        page_is_whole(page)
        expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()
        expect(page.get_by_label("E-mail address")).to_have_value("not an address")
    finally:
        context.close()
