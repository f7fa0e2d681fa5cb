"""Stored XSS in a real browser: Chromium walks every learner page with every text and Markdown
field holding script payloads, answers both quizzes through the page (htmx swaps included), and
no dialog may ever open. Every link, image or form whose URL the browser parses as anything but
http(s), mailto or tel is reported, and the ``javascript:`` links are clicked, so a live one
shows up as a dialog too.

The browser ignores the site's Content-Security-Policy here (``bypass_csp``): the policy is a
second line of defence, tested on its own; this test is about the markup being inert."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from civics.content.models import ActionItem, KeyPoint, LessonSection
from tests.factories import LessonFactory, SourceFactory, TopicFactory, UserFactory
from tests.quizzes.factories import QuizFactory
from tests.test_stored_xss import PAYLOADS, RAW_LINKS, every_type

pytestmark = pytest.mark.django_db(transaction=True)

PROBE = """() => {
  const safe = ["http:", "https:", "mailto:", "tel:"];
  const found = [];
  for (const el of document.querySelectorAll("[href], [src], [action], [formaction]")) {
    for (const name of ["href", "src", "action", "formaction"]) {
      const value = el.getAttribute(name);
      if (value === null) continue;
      let protocol;
      try { protocol = new URL(value, document.baseURI).protocol; } catch (e) { continue; }
      const tag = el.tagName.toLowerCase();
      if (!safe.includes(protocol)) found.push(`<${tag} ${name}=${JSON.stringify(value)}>`);
    }
  }
  // Follow each javascript: link, as a learner would: a live one opens a dialog.
  for (const a of document.querySelectorAll("a[href]")) {
    if (a.protocol === "javascript:") a.click();
  }
  return found;
}"""
QUESTION = re.compile(r"/attempts/\d+/questions/(\d+)/$")


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}


def build_world():
    """Two lessons with half the payloads each in every field (joined as paragraphs): the first
    with a practice quiz, the second with an exam quiz, each holding every question type. Both
    modes end on the review of every field, so every payload reaches every kind of page. One
    topic per payload; every payload and raw link as an action's link."""
    topics = [
        TopicFactory(name=f"{p} ⟦topic {i}⟧", emoji=p[:16], description=f"{p} ⟦about {i}⟧")
        for i, p in enumerate(PAYLOADS)
    ]
    lessons = []
    for index, group in enumerate([PAYLOADS[:4], PAYLOADS[4:]]):
        text = "\n\n".join(group)

        def fill(name: str, text=text) -> str:
            return f"{text} ⟦{name}⟧"

        source = SourceFactory(
            title=fill("source.title"),
            author=fill("source.author"),
            outlet=fill("source.outlet"),
            note=fill("source.note"),
            url=RAW_LINKS[index],
        )
        lesson = LessonFactory(
            slug=f"xss-{index}",
            title=fill("lesson.title"),
            summary=fill("lesson.summary"),
            source=source,
            topics=topics,
        )
        KeyPoint.objects.create(lesson=lesson, order=1, text=fill("keypoint"))
        sections = [
            LessonSection.objects.create(
                lesson=lesson, order=i, heading=fill(f"heading {i}"), body=fill(f"body {i}")
            )
            for i in (1, 2)
        ]
        # Hostile links cannot be stored (the action_link_scheme constraint); they go in the
        # text, from which a link is derived only when its scheme is allowed.
        for order, link in enumerate([*PAYLOADS, *RAW_LINKS], start=1):
            ActionItem.objects.create(
                lesson=lesson, order=order, text=f"{fill('action')} {link}", link=""
            )
        mode = ("practice", "exam")[index]
        quiz = QuizFactory(lesson=lesson, slug=f"xss-{mode}", title=fill(f"{mode} quiz"), mode=mode)
        every_type(quiz, sections[0], fill)
        lessons.append(lesson)
    return topics, lessons


class Walk:
    def __init__(self, page, base_url: str):
        self.page, self.base_url = page, base_url
        self.dialogs: list[str] = []
        self.links: list[str] = []
        self.pages = 0
        page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(f"{self.page.url}: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    def probe(self):
        self.pages += 1
        here = self.page.url
        found = self.page.evaluate(PROBE)
        if found:
            # A javascript: URL runs after the click returns: give it a moment to open its dialog.
            self.page.wait_for_timeout(300)
        self.links += [f"{here}: {link}" for link in found]

    def visit(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response.status == 200, path
        self.probe()

    def answer(self):
        form = self.page.locator("#question-panel form.answer-form")
        for kind in ("radio", "checkbox"):
            boxes = form.locator(f"input[type={kind}]")
            if boxes.count():
                boxes.first.check()
        text = form.locator("input[name=text]")
        if text.count():
            text.fill("1867")
        for select in form.locator("select").all():
            select.select_option(index=1)
        form.locator("button[type=submit]:not([name=flag])").last.click()

    def start(self, lesson) -> int:
        """Open the lesson, take its quiz from the button there; the attempt's id."""
        self.visit(lesson.get_absolute_url())
        self.page.get_by_role("button", name="Take the full quiz").click()
        self.page.wait_for_url(re.compile(r"/attempts/\d+/questions/1/$"))
        self.probe()
        return int(re.search(r"/attempts/(\d+)/", self.page.url).group(1))

    def practice(self, lesson, total: int):
        attempt = self.start(lesson)
        for position in range(1, total + 1):
            self.answer()
            expect(self.page.locator("#feedback-title")).to_be_visible()
            self.probe()
            if position < total:
                self.page.get_by_role("link", name="Continue").click()
                expect(self.page.locator("#question-legend")).to_be_visible()
                assert QUESTION.search(self.page.url).group(1) == str(position + 1)
                self.probe()
        self.page.get_by_role("button", name="See your results").click()
        self.page.wait_for_url(f"**/attempts/{attempt}/result/")
        self.probe()

    def exam(self, lesson, total: int):
        attempt = self.start(lesson)
        for position in range(1, total + 1):
            self.answer()
            after = "summary/" if position == total else f"questions/{position + 1}/"
            self.page.wait_for_url(f"**/attempts/{attempt}/{after}")
            self.probe()
        self.page.get_by_role("button", name="Finish and see results").click()
        self.page.wait_for_url(f"**/attempts/{attempt}/result/")
        self.probe()


def test_chromium_walks_every_learner_page_and_no_dialog_ever_opens(live_server, page):
    topics, lessons = build_world()
    learner = UserFactory()
    client = Client()
    client.force_login(learner)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    walk = Walk(page, live_server.url)

    walk.visit("/")
    for topic in topics[:2]:
        walk.visit(topic.get_absolute_url())
    walk.practice(lessons[0], total=6)
    walk.exam(lessons[1], total=6)
    # The payloads read as text, e.g. the second half of them in the result's breadcrumb.
    for payload in PAYLOADS[4:]:
        expect(page.locator("nav.breadcrumb")).to_contain_text(payload)
    walk.visit("/dashboard/")

    # Home, 2 topics; practice: lesson, question 1, 6 feedbacks, questions 2-6, result;
    # exam: lesson, question 1, questions 2-6 and the summary, result; the dashboard.
    assert walk.pages == 1 + 2 + (1 + 1 + 6 + 5 + 1) + (1 + 1 + 6 + 1) + 1
    expect(page.locator("main")).to_contain_text("<svg onload=alert(1)>\n\n")
    expect(page.locator("main")).to_contain_text("⟦exam quiz⟧")
    assert not walk.dialogs, "\n".join(walk.dialogs)
    assert not walk.links, "\n".join(walk.links)
