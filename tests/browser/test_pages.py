import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [320, 1280]


@pytest.fixture
def seeded(live_server):
    call_command("load_seeds", verbosity=0)
    return live_server


@pytest.mark.parametrize("width", WIDTHS)
def test_home_to_topic_to_lesson_at_each_width(seeded, page, axe, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(seeded.url + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(axe, page, f"home @{width}")
    assert _no_horizontal_scroll(page), "home scrolls sideways"

    page.locator("#topics").get_by_role("link", name="Government").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Government")
    assert_no_axe_violations(axe, page, f"topic @{width}")
    assert _no_horizontal_scroll(page), "topic page scrolls sideways"

    page.get_by_role("link", name="Rubio").first.click()
    expect(page.get_by_role("heading", name="What you can do")).to_be_visible()
    assert_no_axe_violations(axe, page, f"lesson @{width}")
    assert _no_horizontal_scroll(page), "lesson page scrolls sideways"
    actions = page.locator("#what-you-can-do li")
    expect(actions).to_have_count(8)
    expect(page.locator('a[href="tel:+12022243121"]').first).to_be_visible()
    expect(page.locator('a[href="https://dea.gov"]')).to_be_visible()


def test_skip_link_and_keyboard_focus_are_visible(seeded, page):
    page.goto(seeded.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_dark_mode_changes_colours_and_stays_accessible(seeded, page, axe):
    page.emulate_media(color_scheme="dark")
    page.goto(seeded.url + "/lessons/us-mexico-reset/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 22, 27)"
    assert_no_axe_violations(axe, page, "lesson, dark")


def test_unknown_page_shows_the_sites_own_404(seeded, page, axe):
    response = page.goto(seeded.url + "/lessons/no-such-lesson/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We couldn't find that page")
    assert_no_axe_violations(axe, page, "404")


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_a_first_visitor_ticks_an_action_with_and_without_javascript(seeded, browser, javascript):
    # The tick forms' CSRF tokens sit outside the (shared) checklist, tied by form="…".
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(seeded.url + "/lessons/rubio-security-collaboration/")
    first = page.locator("#what-you-can-do li").first
    first.get_by_label("Note (optional)").fill("Called on Monday")
    first.get_by_role("button", name="Mark as done").click()

    expect(page.locator("#what-you-can-do li").first).to_contain_text("Called on Monday")
    expect(page.locator("#checklist-progress")).to_contain_text("1 of 8 done")
    page.reload()
    expect(page.locator("#what-you-can-do li").first).to_contain_text("Done")
    context.close()
