"""The shared layout in a browser: nothing wider than the viewport on any learner page from
320 to 1440 px, light and dark, and no CSP violation; the header in one row on a phone, its
menu a <details> that works by keyboard; the lesson's rail on wide screens and jump links on
phones; main centred."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from quizzes import services
from quizzes.models import Quiz
from tests.factories import UserFactory

from .conftest import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [320, 360, 768, 1280, 1440]
PASSWORD = "a long enough passphrase"
LESSON = "/lessons/rubio-security-collaboration/"


@pytest.fixture
def world(live_server):
    """The seeds, a learner with one finished and one open attempt, and every page's path."""
    call_command("load_seeds", verbosity=0)
    learner = UserFactory(username="layout-learner")
    learner.set_password(PASSWORD)
    learner.save()
    now = timezone.now()
    rubio = Quiz.objects.get(slug="rubio-security-collaboration")
    essay = Quiz.objects.get(slug="us-mexico-reset")
    done = services.start_attempt(quiz=rubio, user=learner, token="", now=now)
    services.finish_attempt(attempt=done, now=now)
    open_attempt = services.start_attempt(quiz=essay, user=learner, token="", now=now)
    return live_server, {
        "home": "/",
        "topic": "/topics/government/",
        "lesson": LESSON,
        "question": f"/attempts/{open_attempt.pk}/questions/1/",
        "summary": f"/attempts/{open_attempt.pk}/summary/",
        "result": f"/attempts/{done.pk}/result/",
        "dashboard": "/dashboard/",
        "account": "/account/",
    }


def log_in(page, server) -> None:
    page.goto(server.url + "/account/login/")
    page.get_by_label("Username").fill("layout-learner")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page.locator("main")).not_to_contain_text("Please enter a correct")


def overflow(page) -> int:
    """How many px the page is wider than the viewport (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_no_learner_page_scrolls_sideways(world, browser, width, scheme):
    server, paths = world
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    csp = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else 0)
    too_wide = {}
    for name in ("sign-up", "log-in"):
        page.goto(server.url + {"sign-up": "/account/signup/", "log-in": "/account/login/"}[name])
        too_wide[name] = overflow(page)
    log_in(page, server)
    for name, path in paths.items():
        response = page.goto(server.url + path)
        assert response.ok, (name, response.status)
        too_wide[name] = overflow(page)
    context.close()
    assert {name: px for name, px in too_wide.items() if px > 0} == {}
    assert csp == []  # no inline style or script on the way


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "learner"])
@pytest.mark.parametrize("width", [320, 360])
def test_the_header_is_one_row_on_a_phone_and_its_menu_works_by_keyboard(
    world, page, width, signed_in
):
    server, _ = world
    page.set_viewport_size({"width": width, "height": 800})
    if signed_in:
        log_in(page, server)
    page.goto(server.url + "/")

    brand = page.locator(".brand").bounding_box()
    menu = page.get_by_text("Menu", exact=True)
    expect(menu).to_be_visible()
    button = menu.bounding_box()
    assert abs(brand["y"] + brand["height"] / 2 - (button["y"] + button["height"] / 2)) < 4
    assert page.locator(".site-header").bounding_box()["height"] < 80
    expect(page.locator(".nav--row")).to_be_hidden()

    menu.focus()
    page.keyboard.press("Enter")
    first = "Dashboard" if signed_in else "Sign up"
    link = page.locator(".nav-menu__list").get_by_role("link", name=first)
    expect(link).to_be_visible()
    assert overflow(page) <= 0
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(server.url + ("/dashboard/" if signed_in else "/account/signup/"))


def test_wide_screens_show_the_row_of_links_and_no_menu(world, page):
    server, _ = world
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(server.url + "/")
    expect(page.locator(".nav--row").get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_lesson_has_a_rail_on_wide_screens_and_jump_links_on_phones(
    world, browser, scheme, axe
):
    server, _ = world
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(server.url + LESSON)
    rail = page.get_by_role("complementary", name="Lesson tools")
    expect(rail).to_be_visible()
    expect(rail).to_contain_text("0 of 8 done")
    expect(page.locator(".jump-links")).to_be_hidden()
    article, aside = page.locator("article.lesson").bounding_box(), rail.bounding_box()
    assert aside["x"] >= article["x"] + article["width"]  # beside the text, not below it
    assert_no_axe_violations(axe, page, f"lesson wide, {scheme}")

    # The rail stays in view while reading, and its quiz button starts the quiz.
    page.mouse.wheel(0, 3000)
    expect(rail.get_by_role("button", name="Start the quiz")).to_be_in_viewport()
    rail.get_by_role("button", name="Start the quiz").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/questions/1/$"))

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(server.url + LESSON)
    expect(rail).to_be_hidden()
    jump = page.get_by_role("navigation", name="Jump to")
    expect(jump).to_be_visible()
    jump.get_by_role("link", name="What you can do").click()
    expect(page.get_by_role("heading", name="What you can do")).to_be_in_viewport()
    assert_no_axe_violations(axe, page, f"lesson phone, {scheme}")
    context.close()


@pytest.mark.parametrize("path", ["/", LESSON, "/account/login/"])
def test_main_is_centred_on_a_wide_screen(world, page, path):
    server, _ = world
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(server.url + path)
    box = page.locator("main").bounding_box()
    left, right = box["x"], 1280 - box["x"] - box["width"]
    assert abs(left - right) <= 2
