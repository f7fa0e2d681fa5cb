"""Stored XSS: every text and Markdown field an educator or an import can fill holds a script
payload, and every learner page that shows it renders it inert.

Each page is parsed with ``html.parser`` (which decodes entities the way a browser does) and every
tag and attribute is checked: no inline script, no event-handler attribute, no URL attribute whose
scheme (after the browser's own clean-up of spaces, tabs and newlines) is anything but http(s),
mailto or tel. Each field's text carries a marker, and the pages must show the markers, so a page
that stopped rendering a field would fail here rather than pass without testing anything.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from civics.content.models import ActionItem, KeyPoint, LessonSection
from quizzes.models import AcceptedAnswer, Choice, MatchPair, NumericAnswer, Question
from tests.factories import LessonFactory, SourceFactory, TopicFactory, UserFactory
from tests.quizzes.factories import (
    QuizFactory,
    answer_data,
    question_url,
    start,
)

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](java\nscript:alert(1))",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "javascript:alert(1)",
]
# Links held as raw URLs (an action's link, a source's address): what a browser would run.
RAW_LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\nscript:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
]
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "ping",
    "cite",
    "hx-get",
    "hx-post",
    "hx-put",
    "hx-patch",
    "hx-delete",
    "hx-push-url",
}
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "img"}


# --- The checker ---------------------------------------------------------------------------


def url_scheme(value: str) -> str:
    """The scheme a browser sees: C0 controls and spaces trimmed, tabs and newlines removed."""
    cleaned = re.sub(r"[\t\n\r]", "", value.strip("".join(chr(c) for c in range(0x21))))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", cleaned)
    return match.group(1).lower() if match else ""


class Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)
        if tag == "script":
            self.in_script = True

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script:
            if data.strip():
                self.problems.append(f"inline script: {data[:80]!r}")
        else:
            self.text.append(data)

    def _check(self, tag, attrs):
        attributes = dict(attrs)
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element: {attrs}")
        if tag == "script" and not (attributes.get("src") or "").startswith("/static/"):
            self.problems.append(f"<script> not from /static/: {attrs}")
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append(f"<meta http-equiv>: {attrs}")
        for name, value in attrs:
            name = name.lower()
            value = value or ""
            if name.startswith(("on", "hx-on", "data-hx-on")) or name == "srcdoc":
                self.problems.append(f"<{tag} {name}={value!r}>: event handler")
            if name in URL_ATTRIBUTES and url_scheme(value) not in SAFE_SCHEMES | {""}:
                self.problems.append(f"<{tag} {name}={value!r}>: {url_scheme(value)}: URL")
            if name == "style" and re.search(r"expression\(|javascript:|url\(", value, re.I):
                self.problems.append(f"<{tag} style={value!r}>")


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    pages: int = 0

    def check(self, label: str, response, *markers: str) -> None:
        assert response.status_code == 200, f"{label}: {response.status_code}"
        inspector = Inspector()
        inspector.feed(response.content.decode())
        inspector.close()
        self.pages += 1
        self.problems += [f"{label}: {problem}" for problem in inspector.problems]
        text = "".join(inspector.text)
        self.problems += [f"{label}: {m} is not shown" for m in markers if m not in text]


def test_the_checker_flags_what_a_browser_would_run():
    bad = [
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" jav&#x09;ascript:alert(1)">x</a>',
        '<a href="java\nscript:alert(1)">x</a>',
        '<a href="&#x01;javascript:alert(1)">x</a>',
        '<img src="x" onerror="alert(1)">',
        "<svg onload=alert(1)>",
        '<form action="javascript:alert(1)"></form>',
        '<div hx-on:click="alert(1)"></div>',
        '<iframe src="https://evil.example"></iframe>',
    ]
    fine = [
        '<a href="/lessons/x/#quiz">x</a>',
        '<a href="tel:+12022243121">call</a>',
        '<a href="[x](javascript:alert(1))">relative</a>',
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; javascript:alert(1)</p>",
        '<script src="/static/django_htmx/htmx-2.min.js" defer></script>',
    ]
    for html in bad:
        inspector = Inspector()
        inspector.feed(html)
        assert inspector.problems, html
    for html in fine:
        inspector = Inspector()
        inspector.feed(html)
        assert not inspector.problems, html


# --- A lesson, two quizzes and every question type, every field holding the payload ----------


@dataclass
class World:
    topic: object
    lesson: object
    practice: object
    exam: object
    marks: dict


def build(payload: str) -> World:
    def mark(name: str) -> str:
        return f"{payload} ⟦{name}⟧"

    marks = {}

    def fill(name: str) -> str:
        marks[name] = f"⟦{name}⟧"
        return mark(name)

    topic = TopicFactory(
        name=fill("topic.name"), description=fill("topic.description"), emoji=payload[:16]
    )
    source = SourceFactory(
        title=fill("source.title"),
        author=fill("source.author"),
        outlet=fill("source.outlet"),
        note=fill("source.note"),
        url=payload,
    )
    lesson = LessonFactory(
        title=fill("lesson.title"), summary=fill("lesson.summary"), source=source, topics=[topic]
    )
    KeyPoint.objects.create(lesson=lesson, order=1, text=fill("keypoint.text"))
    sections = [
        LessonSection.objects.create(
            lesson=lesson,
            order=i,
            heading=fill(f"section.heading{i}"),
            body=fill(f"section.body{i}"),
        )
        for i in (1, 2)
    ]
    # The action_link_scheme check constraint refuses any other scheme, even on a direct save
    # (test_a_stored_action_link_never_becomes_a_script_url), so only an allowed link is stored.
    allowed = payload if payload.startswith(("https://", "http://", "tel:", "mailto:")) else ""
    ActionItem.objects.create(lesson=lesson, order=1, text=fill("action.text"), link=allowed)
    ActionItem.objects.create(lesson=lesson, order=2, text=fill("action.text2"), link="")
    practice = QuizFactory(lesson=lesson, title=fill("quiz.title"), slug="xss-practice")
    exam = QuizFactory(lesson=lesson, title=fill("exam.title"), slug="xss-exam", exam=True)
    for quiz in (practice, exam):
        every_type(quiz, sections[0], fill)
    return World(topic, lesson, practice, exam, marks)


def every_type(quiz, section, fill) -> None:
    def question(order: int, type: str, **extra) -> Question:
        return Question.objects.create(
            quiz=quiz,
            type=type,
            order=order,
            section=section,
            is_published=True,
            title=fill(f"{type}.title"),
            prompt=fill(f"{type}.prompt"),
            explanation=fill(f"{type}.explanation"),
            **extra,
        )

    single = question(1, "single")
    Choice.objects.create(
        question=single, order=1, text=fill("single.right"), fraction=1, feedback=fill("single.fb1")
    )
    Choice.objects.create(
        question=single, order=2, text=fill("single.wrong"), fraction=0, feedback=fill("single.fb2")
    )
    multiple = question(2, "multiple")
    for order, (name, fraction) in enumerate([("a", 0.5), ("b", 0.5), ("c", -1)], start=1):
        Choice.objects.create(
            question=multiple,
            order=order,
            text=fill(f"multiple.{name}"),
            fraction=fraction,
            feedback=fill(f"multiple.fb.{name}"),
        )
    question(
        3,
        "true_false",
        truth=True,
        feedback_right=fill("true_false.right"),
        feedback_wrong=fill("true_false.wrong"),
    )
    short = question(4, "short", feedback_right=fill("short.fr"), feedback_wrong=fill("short.fw"))
    AcceptedAnswer.objects.create(
        question=short, text=fill("short.accepted"), feedback=fill("a.fb")
    )
    numeric = question(5, "numeric")
    NumericAnswer.objects.create(question=numeric, value=1867, feedback=fill("numeric.feedback"))
    matching = question(6, "matching")
    for order in (1, 2):
        MatchPair.objects.create(
            question=matching,
            order=order,
            left=fill(f"matching.left{order}"),
            right=fill(f"matching.right{order}"),
        )


def m(world: World, *names: str) -> list[str]:
    return [world.marks[name] for name in names]


# A card's one line of metadata names the source's author, or its outlet when there is none
# (Source.card_name); the lesson page below shows both.
LESSON_CARD = ("lesson.title", "lesson.summary", "source.author", "topic.name")
TYPES = ["single", "multiple", "true_false", "short", "numeric", "matching"]
FORM_MARKS = {
    "single": ["single.prompt", "single.right", "single.wrong"],
    "multiple": ["multiple.prompt", "multiple.a", "multiple.b", "multiple.c"],
    "true_false": ["true_false.prompt"],
    "short": ["short.prompt"],
    "numeric": ["numeric.prompt"],
    "matching": ["matching.prompt", "matching.left1", "matching.right1", "matching.right2"],
}
# What the practice feedback shows after a wrong answer, and the result after right ones.
WRONG_MARKS = {
    "single": ["single.prompt", "single.explanation", "single.wrong", "single.fb2", "single.right"],
    "multiple": ["multiple.prompt", "multiple.explanation", "multiple.c", "multiple.fb.c"],
    "true_false": ["true_false.prompt", "true_false.explanation", "true_false.wrong"],
    "short": ["short.prompt", "short.explanation", "short.accepted"],
    "numeric": ["numeric.prompt", "numeric.explanation"],
    "matching": ["matching.prompt", "matching.left1", "matching.right1", "matching.right2"],
}
RIGHT_MARKS = {
    "single": ["single.right", "single.fb1"],
    "multiple": ["multiple.a", "multiple.b", "multiple.fb.a"],
    "true_false": ["true_false.right"],
    "short": ["short.accepted"],
    "numeric": ["numeric.explanation"],
    "matching": ["matching.left2", "matching.right2"],
}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_learner_page_renders_every_field_inert(payload):
    world = build(payload)
    report = Report()
    anonymous = Client()
    learner = Client()
    learner.force_login(UserFactory())

    report.check("home", anonymous.get("/"), *m(world, *LESSON_CARD))
    report.check(
        "topic",
        anonymous.get(world.topic.get_absolute_url()),
        *m(world, "topic.name", "topic.description", *LESSON_CARD),
    )
    lesson_marks = m(
        world,
        "lesson.title",
        "lesson.summary",
        "topic.name",
        "source.title",
        "source.author",
        "source.outlet",
        "source.note",
        "keypoint.text",
        "section.heading1",
        "section.body1",
        "section.heading2",
        "section.body2",
        "action.text",
        "action.text2",
    )
    for who, client in (("anonymous", anonymous), ("learner", learner)):
        report.check(f"lesson ({who})", client.get(world.lesson.get_absolute_url()), *lesson_marks)

    # Practice: each question's form, then its feedback after a wrong answer, then the result.
    attempt = start(learner, world.practice)
    for position, type in enumerate(TYPES, start=1):
        url = question_url(attempt, position)
        report.check(
            f"practice {type}", learner.get(url), *m(world, "quiz.title", *FORM_MARKS[type])
        )
        posted = learner.post(url, answer_data(attempt, position, right=False))
        assert posted.status_code == 302, posted.content.decode()[:500]
        shown = m(world, "section.heading1", *WRONG_MARKS[type])
        report.check(f"practice {type} feedback", learner.get(url), *shown)
        fragment = learner.get(url, headers={"HX-Request": "true"})
        report.check(f"practice {type} feedback fragment", fragment, *shown)
    learner.post(f"/attempts/{attempt.pk}/finish/")
    report.check(
        "practice result",
        learner.get(f"/attempts/{attempt.pk}/result/"),
        *m(world, "lesson.title", "quiz.title", *(w for t in TYPES for w in WRONG_MARKS[t])),
    )

    # Exam: each question's form, the summary, then the result after right answers.
    attempt = start(learner, world.exam)
    for position, type in enumerate(TYPES, start=1):
        url = question_url(attempt, position)
        report.check(f"exam {type}", learner.get(url), *m(world, "exam.title", *FORM_MARKS[type]))
        data = answer_data(attempt, position, right=True, go="next")
        assert learner.post(url, data).status_code == 302
    report.check(
        "exam summary",
        learner.get(f"/attempts/{attempt.pk}/summary/"),
        *m(world, "exam.title", "lesson.title", *(f"{t}.prompt" for t in TYPES)),
    )
    learner.post(f"/attempts/{attempt.pk}/finish/")
    report.check(
        "exam result",
        learner.get(f"/attempts/{attempt.pk}/result/"),
        *m(world, "exam.title", *(w for t in TYPES for w in RIGHT_MARKS[t])),
    )

    report.check(
        "dashboard",
        learner.get("/dashboard/"),
        *m(world, "topic.name", "quiz.title", "exam.title", "lesson.title"),
    )

    assert report.pages == 1 + 1 + 2 + 6 * 3 + 1 + 6 + 1 + 1 + 1
    assert not report.problems, "\n".join(report.problems)


@pytest.mark.parametrize("link", RAW_LINKS, ids=repr)
def test_a_stored_action_link_never_becomes_a_script_url(link):
    """ActionItem.clean() and the pack reader refuse these; a direct save is refused by the
    database's check constraint; and should a row hold one anyway (an older database), the
    template prints only ActionItem.safe_link, which drops it."""
    lesson = LessonFactory(source=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.create(lesson=lesson, order=1, text="Read the report", link=link)

    assert ActionItem(lesson=lesson, text="Read the report", link=link).safe_link == ""
    ActionItem.objects.create(lesson=lesson, order=1, text="Read the report", link="")
    report = Report()
    report.check("lesson", Client().get(lesson.get_absolute_url()), "Read the report")
    assert not report.problems, "\n".join(report.problems)


@pytest.mark.parametrize("link", RAW_LINKS, ids=repr)
def test_a_stored_source_address_never_becomes_a_script_url(link):
    """Source.url is checked by its form field and the pack reader, not by the database."""
    lesson = LessonFactory(source=SourceFactory(title="The report", url=link))
    report = Report()

    report.check("lesson", Client().get(lesson.get_absolute_url()), "The report")

    assert not report.problems, "\n".join(report.problems)


def test_a_prompt_reads_as_written_in_the_question_legend():
    """The prompt is shown as text above the options: markup characters must read as typed,
    not as HTML entities (``&lt;`` on screen)."""
    quiz = QuizFactory(lesson=LessonFactory())
    question = Question.objects.create(
        quiz=quiz,
        type="true_false",
        truth=True,
        is_published=True,
        order=1,
        prompt='Is 3 < 5 & "quoted" <script>alert(1)</script>?',
    )
    learner = Client()
    learner.force_login(UserFactory())
    attempt = start(learner, quiz)

    inspector = Inspector()
    inspector.feed(learner.get(question_url(attempt, 1)).content.decode())

    text = "".join(inspector.text)
    assert not inspector.problems
    assert question.prompt in text, "the legend shows entities instead of the prompt's text"
