"""Every learner page and every quiz state, at a phone, a tablet and a laptop width, light and
dark: nothing wider than the screen, nothing axe-core can find, no console error (a CSP
violation is one: an inline style or script the policy refuses).

One walk per colour scheme, as a learner goes: the home page, a topic, a lesson, sign-up and
log-in; a practice quiz (unanswered, refused empty answer, wrong, right and partly right
feedback, the result); an exam (a question, the grid with an answer and a flag, the summary,
the time running out); then the dashboard of a learner with history and of a new one, and the
account page. Each screen is checked at every width before the walk goes on, and the problems
of the whole walk are reported together."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from quizzes.models import Attempt, Quiz

from .test_quiz import QUESTION_URL, RUBIO_LESSON, answer, question_at, right_answer, wrong_answer

WIDTHS = (360, 768, 1280)
PASSWORD = "a long enough pass phrase 42"


@pytest.fixture
def seeded(live_server):
    call_command("load_seeds", verbosity=0)
    return live_server


class Walk:
    """Looks at each screen at every width and keeps what is wrong with it."""

    def __init__(self, page, axe, scheme: str, base: str):
        self.page, self.axe, self.scheme, self.base = page, axe, scheme, base
        self.problems: list[str] = []
        self.seen: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.emulate_media(color_scheme=scheme)

    def _console(self, message):
        # A refused answer is a 400 by design (the form comes back with its error, in place);
        # Chromium notes every 4xx response in the console. Anything else is a problem.
        expected = "the server responded with a status of 400"
        if message.type == "error" and expected not in message.text:
            self.problems.append(f"console on {self.page.url}: {message.text}")

    def look(self, label: str) -> None:
        self.seen.append(label)
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            wide = self.page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                self.problems.append(f"{label} @{width}: the page is {wide}px wide")
            violations = self.axe.run(self.page).response["violations"]
            for v in violations:
                targets = [n["target"] for n in v["nodes"]][:3]
                self.problems.append(f"{label} @{width}: {v['id']} ({v['impact']}) {targets}")
        self.page.set_viewport_size({"width": 1280, "height": 900})

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def click(self, role: str, name: str, **kwargs) -> None:
        self.page.get_by_role(role, name=name, **kwargs).first.click()


def practice_quiz(walk: Walk) -> None:
    page = walk.page
    walk.go(RUBIO_LESSON)
    walk.click("button", "Take the full quiz")
    page.wait_for_url(QUESTION_URL)
    walk.look("practice question, unanswered")
    walk.click("button", "Check", exact=True)
    expect(page.locator(".field-error")).to_be_visible()
    walk.look("practice question, answer refused")
    states = {"wrong", "correct", "partial"}
    position = 1
    while True:
        question = question_at(page)
        if "wrong" in states:
            plan, state = wrong_answer(question), "wrong"
        elif "partial" in states and question.type == "multiple":
            plan, state = right_answer(question), "partial"
            plan.picks = plan.picks[:1]
        else:
            plan, state = right_answer(question), "correct"
        answer(page, plan)
        walk.click("button", "Check", exact=True)
        expect(page.locator("section.feedback")).to_be_visible()
        if state in states:
            expect(page.locator("section.feedback")).to_have_class(re.compile(f"feedback--{state}"))
            walk.look(f"practice feedback, {state}")
            states.discard(state)
        last = page.get_by_role("button", name="See your results")
        if last.count():
            last.click()
            break
        walk.click("link", "Continue")
        position += 1
        page.wait_for_url(f"**/questions/{position}/")
    page.wait_for_url("**/result/")
    assert not states, f"the seed quiz had no question for {states}"
    walk.look("practice result")


def exam(walk: Walk) -> None:
    page = walk.page
    exam = Quiz.objects.get(mode=Quiz.Mode.EXAM, time_limit_minutes__isnull=False)
    walk.go(exam.lesson.get_absolute_url())
    walk.click("button", "Take the exam")
    page.wait_for_url(QUESTION_URL)
    walk.look("exam question with the clock")
    answer(page, right_answer(question_at(page)))
    walk.click("button", "Save and next")
    page.wait_for_url("**/questions/2/")
    walk.click("button", "Flag for review")
    expect(page.get_by_role("button", name="Flagged for review")).to_be_visible()
    walk.look("exam grid: answered, current and flagged")
    walk.click("link", "Review and finish")
    page.wait_for_url("**/summary/")
    walk.look("exam summary")
    attempt = Attempt.objects.filter(quiz=exam).latest("pk")
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    walk.go(f"/attempts/{attempt.pk}/questions/3/")
    page.wait_for_url("**/result/")
    expect(page.get_by_text("Time is up")).to_be_visible()
    walk.look("exam result after the time ran out")


def log_in(walk: Walk, username: str) -> None:
    page = walk.page
    walk.go("/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/dashboard/")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_learner_screen_at_every_width(seeded, page, axe, scheme):
    page.set_default_timeout(15_000)
    walk = Walk(page, axe, scheme, seeded.url)
    walk.go("/")
    walk.look("home")
    walk.go(page.locator("a[href^='/topics/']").first.get_attribute("href"))
    walk.look("topic")
    walk.go(RUBIO_LESSON)
    walk.look("lesson")
    walk.go("/account/signup/")
    walk.look("sign-up")
    walk.go("/account/login/")
    walk.look("log-in")

    practice_quiz(walk)
    exam(walk)

    User = get_user_model()
    User.objects.create_user("walker", password=PASSWORD)
    log_in(walk, "walker")  # adopts this browser's two attempts
    expect(page.locator(".chart__dot").first).to_be_visible()
    walk.look("dashboard with history")
    walk.go("/account/")
    walk.look("account")
    page.context.clear_cookies()
    User.objects.create_user("newcomer", password=PASSWORD)
    log_in(walk, "newcomer")
    expect(page.get_by_text("Welcome to CivicPath")).to_be_visible()
    walk.look("dashboard of a new account")

    assert len(walk.seen) == 18
    assert walk.problems == []


def test_on_a_phone_check_and_continue_stay_in_reach_at_the_bottom(seeded, page):
    page.set_viewport_size({"width": 360, "height": 520})  # a short screen: the form is taller
    page.goto(seeded.url + RUBIO_LESSON)
    page.get_by_role("button", name="Take the full quiz").first.click()
    page.wait_for_url(QUESTION_URL)

    def bottom_bar_in_view(selector: str) -> bool:
        return page.evaluate(
            """(selector) => {
                const box = document.querySelector(selector).getBoundingClientRect();
                return box.top >= 0 && box.bottom <= window.innerHeight + 1;
            }""",
            selector,
        )

    page.evaluate("window.scrollTo(0, 0)")
    assert page.evaluate("document.documentElement.scrollHeight") > 520
    assert bottom_bar_in_view(".answer-form .form-actions--sticky")
    answer(page, right_answer(question_at(page)))
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.locator("section.feedback")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    assert bottom_bar_in_view(".feedback .form-actions--sticky")
    expect(page.get_by_role("link", name="Continue")).to_be_in_viewport()
