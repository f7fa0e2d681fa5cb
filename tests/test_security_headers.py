"""Every response — full pages, htmx fragments, redirects and error pages — carries the security
headers, and the HTML it carries still works under its Content-Security-Policy: scripts and styles
only from the site itself (htmx included), nothing inline that the policy would silently block."""

from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.test import Client

from civics.content.models import ActionItem, Lesson
from quizzes.models import Attempt
from tests.factories import ActionItemFactory, UserFactory

from .quizzes.factories import (
    HTMX,
    answer_data,
    question_url,
    quiz_with_every_type,
    start,
)

pytestmark = pytest.mark.django_db

# Policies under which no page URL leaks to another site.
SAFE_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "origin"}
SELF = {"'self'"}


@dataclass
class Site:
    client: Client  # signed in
    lesson: Lesson
    action: ActionItem
    attempt: Attempt  # practice, in progress, question 1 answered
    finished: Attempt


@pytest.fixture
def site() -> Site:
    client = Client()
    client.force_login(UserFactory())
    finished = start(client, quiz_with_every_type())
    client.post(question_url(finished, 1), answer_data(finished, 1))
    client.post(f"/attempts/{finished.pk}/finish/")
    attempt = start(client, quiz_with_every_type())
    client.post(question_url(attempt, 1), answer_data(attempt, 1, right=False))
    action = ActionItemFactory(lesson=attempt.quiz.lesson)
    return Site(client, attempt.quiz.lesson, action, attempt, finished)


def tick_url(action: ActionItem) -> str:
    return f"/lessons/{action.lesson.slug}/actions/{action.pk}/tick/"


# label -> (request made with the site's signed-in client, expected status, what it is)
PAGE, FRAGMENT, REDIRECT, TEXT = "page", "fragment", "redirect", "text"
RESPONSES = {
    "home": (lambda s: s.client.get("/"), 200, PAGE),
    "lesson": (lambda s: s.client.get(s.lesson.get_absolute_url()), 200, PAGE),
    "question page": (lambda s: s.client.get(question_url(s.attempt, 2)), 200, PAGE),
    "question fragment": (
        lambda s: s.client.get(question_url(s.attempt, 2), headers=HTMX),
        200,
        FRAGMENT,
    ),
    "answer fragment": (
        lambda s: s.client.post(
            question_url(s.attempt, 2), answer_data(s.attempt, 2), headers=HTMX
        ),
        200,
        FRAGMENT,
    ),
    "stale answer fragment": (
        lambda s: s.client.post(
            question_url(s.attempt, 1), {**answer_data(s.attempt, 1), "seq": 0}, headers=HTMX
        ),
        409,
        FRAGMENT,
    ),
    "invalid answer fragment": (
        lambda s: s.client.post(question_url(s.attempt, 2), {"seq": "x"}, headers=HTMX),
        400,
        FRAGMENT,
    ),
    "answer redirect": (
        lambda s: s.client.post(question_url(s.attempt, 2), answer_data(s.attempt, 2)),
        302,
        REDIRECT,
    ),
    "result": (lambda s: s.client.get(f"/attempts/{s.finished.pk}/result/"), 200, PAGE),
    "dashboard": (lambda s: s.client.get("/dashboard/"), 200, PAGE),
    "login": (lambda s: Client().get("/account/login/"), 200, PAGE),
    "signup": (lambda s: Client().get("/account/signup/"), 200, PAGE),
    "account": (lambda s: s.client.get("/account/"), 200, PAGE),
    "tick fragment": (
        lambda s: s.client.post(tick_url(s.action), {"done": "1"}, headers=HTMX),
        200,
        FRAGMENT,
    ),
    "tick error fragment": (
        lambda s: s.client.post(tick_url(s.action), {"done": "maybe"}, headers=HTMX),
        400,
        FRAGMENT,
    ),
    "not found page": (lambda s: s.client.get("/lessons/no-such-lesson/"), 404, PAGE),
    "healthz": (lambda s: Client().get("/healthz"), 200, TEXT),
}


def csp_directives(header: str) -> dict[str, set[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name.lower()] = set(sources)
    return directives


def allowed_sources(directives: dict[str, set[str]], name: str) -> set[str]:
    """The sources a directive allows, falling back to ``default-src`` as browsers do."""
    if name in directives:
        return directives[name]
    return directives.get("default-src", {"*"})


def assert_security_headers(response) -> None:
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.get("Referrer-Policy") in SAFE_REFERRER_POLICIES
    directives = csp_directives(response["Content-Security-Policy"])
    for name in ("script-src", "style-src"):
        assert allowed_sources(directives, name) == SELF, name
    # Finer-grained directives, if ever added, must not widen what the two above allow.
    for name in ("script-src-elem", "script-src-attr", "style-src-elem", "style-src-attr"):
        assert directives.get(name, SELF) <= SELF | {"'none'"}, name
    assert directives.get("frame-ancestors") == {"'none'"}


class Markup(HTMLParser):
    """What in a page would need more than ``script-src 'self'; style-src 'self'``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str | None] = []
        self.stylesheets: list[str] = []
        self.inline: list[str] = []
        self.htmx_config = ""
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.inline.append(f"<{tag} {name}=…>")
        if tag == "script":
            self.scripts.append(attrs.get("src"))
            self._in_script = "src" not in attrs
        elif tag == "style":
            self.inline.append("<style>")
        elif tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.stylesheets.append(attrs.get("href") or "")
        elif tag == "meta" and attrs.get("name") == "htmx-config":
            self.htmx_config = attrs.get("content") or ""
        for name in ("href", "src", "action", "hx-get", "hx-post"):
            if (attrs.get(name) or "").strip().lower().startswith("javascript:"):
                self.inline.append(f"<{tag} {name}=javascript:…>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline.append("<script> with a body")


def is_same_origin_static(url: str | None) -> bool:
    return bool(url) and url.startswith("/static/") and not url.startswith("//")


@pytest.mark.parametrize("label", RESPONSES)
def test_every_response_carries_the_security_headers(site, label):
    make, status, _ = RESPONSES[label]

    response = make(site)

    assert response.status_code == status, response.content[:500]
    assert_security_headers(response)


@pytest.mark.parametrize(
    "label", [label for label, (_, _, kind) in RESPONSES.items() if kind in (PAGE, FRAGMENT)]
)
def test_the_html_needs_nothing_the_policy_blocks(site, label):
    make, _, kind = RESPONSES[label]
    response = make(site)
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    markup = Markup()
    markup.feed(html)

    assert markup.inline == []
    assert all(is_same_origin_static(src) for src in markup.scripts), markup.scripts
    if kind == FRAGMENT:
        assert "<html" not in html and markup.scripts == []
    else:
        assert all(is_same_origin_static(href) for href in markup.stylesheets)
        assert markup.stylesheets, "a full page links its stylesheet"
        # htmx, served by the site itself, and told not to inject its own <style> element or
        # evaluate strings, which the policy would block.
        assert any("htmx" in src for src in markup.scripts), markup.scripts
        assert '"includeIndicatorStyles":false' in markup.htmx_config
        assert '"allowEval":false' in markup.htmx_config
