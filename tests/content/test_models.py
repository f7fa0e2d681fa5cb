import datetime as dt
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from civics.content.models import ActionItem, Lesson, Source
from tests.factories import (
    ActionItemFactory,
    KeyPointFactory,
    LessonFactory,
    LessonSectionFactory,
    SourceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


# --- Source ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("precision", "expected"),
    [
        (Source.Precision.DAY, "June 5, 2024"),
        (Source.Precision.MONTH, "June 2024"),
        (Source.Precision.YEAR, "2024"),
    ],
)
def test_source_date_is_shown_only_as_precisely_as_it_is_known(precision, expected):
    source = Source(
        title="t", outlet="o", published_on=dt.date(2024, 6, 5), date_precision=precision
    )

    assert source.date_display == expected


def test_source_without_a_date_displays_nothing():
    assert Source(title="t", outlet="o", published_on=None).date_display == ""


@pytest.mark.parametrize(
    ("author", "outlet", "expected"),
    [
        ("Christopher Landau", "An opinion site", "Christopher Landau, An opinion site"),
        ("Christopher Landau", "", "Christopher Landau"),
        ("", "Principle Civics", "Principle Civics"),
    ],
)
def test_source_byline_joins_the_parts_it_has(author, outlet, expected):
    assert Source(title="t", author=author, outlet=outlet).byline == expected


def test_source_without_author_or_outlet_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.create(title="Anonymous", author="", outlet="")


def test_source_without_author_or_outlet_fails_validation():
    source = Source(title="Anonymous", author="", outlet="")

    with pytest.raises(ValidationError, match="author, the outlet"):
        source.clean()


@pytest.mark.parametrize(("author", "outlet"), [("A. Writer", ""), ("", "Outlet")])
def test_source_with_author_or_outlet_is_valid(author, outlet):
    source = Source(title="Credited", author=author, outlet=outlet)

    source.full_clean()
    source.save()
    assert Source.objects.filter(pk=source.pk).exists()


# --- Lesson ------------------------------------------------------------------------------


def test_publish_sets_status_and_the_given_date():
    lesson = LessonFactory(draft=True)

    lesson.publish(today=dt.date(2025, 1, 2))

    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.PUBLISHED
    assert lesson.is_published
    assert lesson.published_on == dt.date(2025, 1, 2)


def test_publish_keeps_a_date_already_set():
    lesson = LessonFactory(status=Lesson.Status.DRAFT, published_on=dt.date(2024, 12, 1))

    lesson.publish(today=dt.date(2025, 1, 2))

    lesson.refresh_from_db()
    assert lesson.published_on == dt.date(2024, 12, 1)


def test_publish_without_a_date_uses_today():
    lesson = LessonFactory(draft=True)

    lesson.publish()

    lesson.refresh_from_db()
    assert lesson.is_published
    assert lesson.published_on is not None


def test_published_lesson_without_a_date_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        LessonFactory(status=Lesson.Status.PUBLISHED, published_on=None)


def test_draft_lesson_may_have_no_date():
    lesson = LessonFactory(draft=True)

    assert lesson.published_on is None
    assert not lesson.is_published


def test_published_and_visible_to_hide_drafts_from_learners_but_not_staff():
    published = LessonFactory()
    draft = LessonFactory(draft=True)

    class Learner:
        is_staff = False

    class Staff:
        is_staff = True

    assert list(Lesson.objects.published()) == [published]
    assert list(Lesson.objects.visible_to(Learner())) == [published]
    assert set(Lesson.objects.visible_to(Staff())) == {published, draft}


def _words(n: int) -> str:
    return " ".join(["word"] * n)


@pytest.mark.parametrize(
    ("words", "minutes"), [(0, 1), (1, 1), (200, 1), (201, 2), (400, 2), (401, 3)]
)
def test_reading_time_is_whole_minutes_at_200_words_a_minute(words, minutes):
    lesson = LessonFactory(summary=_words(words))

    lesson.update_reading_time()

    lesson.refresh_from_db()
    assert lesson.reading_minutes == minutes


def test_reading_time_counts_summary_key_points_and_sections():
    lesson = LessonFactory(summary=_words(100))
    KeyPointFactory(lesson=lesson, text=_words(50))
    # The heading's two words count too: 100 + 50 + 2 + 249 = 401.
    LessonSectionFactory(lesson=lesson, heading="Two words", body=_words(249))

    lesson.update_reading_time()

    lesson.refresh_from_db()
    assert lesson.count_words() == 401
    assert lesson.reading_minutes == 3


def test_lesson_url_uses_its_slug():
    assert LessonFactory(slug="us-mexico-reset").get_absolute_url() == "/lessons/us-mexico-reset/"


# --- LessonSection -----------------------------------------------------------------------


def test_section_save_renders_markdown_to_html():
    section = LessonSectionFactory(body="Some **bold** and a [link](https://www.cfr.org).")

    assert "<strong>bold</strong>" in section.body_html
    assert 'href="https://www.cfr.org"' in section.body_html
    assert 'rel="noopener noreferrer nofollow"' in section.body_html


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        "<img src=x onerror=alert(1)>",
        '<p onclick="alert(1)">hi</p>',
        "![pic](javascript:alert(1))",
    ],
)
def test_section_html_is_sanitized(body):
    elements = _elements(LessonSectionFactory(body=body).body_html)

    assert elements, "something is rendered"
    for tag, attrs in elements:
        assert tag not in {"script", "img"}
        assert not [name for name in attrs if name.startswith("on")]
        assert not (attrs.get("href") or "").lower().startswith("javascript:")


def _elements(html: str) -> list[tuple[str, dict]]:
    """Every element in ``html`` as (tag, attributes): what a browser would act on."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collector().feed(html)
    return found


def test_section_headings_sit_below_the_section_h2():
    html = LessonSectionFactory(body="# One\n\n## Two\n\n### Three\n\ntext").body_html

    assert "<h3>One</h3>" in html
    assert "<h4>Two</h4>" in html
    assert "<h5>Three</h5>" in html
    assert "<h1" not in html
    assert "<h2" not in html


def test_section_anchor_comes_from_the_heading():
    section = LessonSectionFactory(heading="Drugs and Commerce: the U.S. view")

    assert section.anchor == "drugs-and-commerce-the-us-view"
    assert section.get_absolute_url().endswith(f"/#{section.anchor}")


def test_section_keeps_a_given_anchor():
    assert LessonSectionFactory(heading="Migration", anchor="people").anchor == "people"


def test_section_body_html_is_refreshed_by_a_partial_save():
    section = LessonSectionFactory(body="old")
    section.body = "*new*"

    section.save(update_fields=["body"])

    section.refresh_from_db()
    assert section.body_html == "<p><em>new</em></p>"


def test_two_sections_of_a_lesson_cannot_share_an_anchor():
    lesson = LessonFactory()
    LessonSectionFactory(lesson=lesson, heading="Migration")

    with pytest.raises(IntegrityError), transaction.atomic():
        LessonSectionFactory(lesson=lesson, heading="Migration")


# --- ActionItem --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "link", "label"),
    [
        ("Call 202-224-3121 and ask for your senators.", "tel:+12022243121", "202-224-3121"),
        ("Follow the numbers at DEA.gov.", "https://dea.gov", "dea.gov"),
        ("Read research at www.cfr.org.", "https://www.cfr.org", "cfr.org"),
        ("Write to tips@example.org.", "mailto:tips@example.org", "tips@example.org"),
        ("Go to a town hall.", "", ""),
    ],
)
def test_action_link_is_derived_from_its_text_when_blank(text, link, label):
    action = ActionItemFactory(text=text, link="")

    action.refresh_from_db()
    assert action.link == link
    assert action.link_label == label


def test_action_keeps_a_link_given_to_it():
    action = ActionItemFactory(
        text="Call 202-224-3121.", link="https://www.senate.gov/senators/senators-contact.htm"
    )

    action.refresh_from_db()
    assert action.link == "https://www.senate.gov/senators/senators-contact.htm"


def test_action_link_is_derived_on_a_partial_save():
    action = ActionItemFactory(text="Go to a town hall.")
    action.text = "Call 202-224-3121."

    action.save(update_fields=["text"])

    action.refresh_from_db()
    assert action.link == "tel:+12022243121"


REFUSED_LINKS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "dea.gov",
    "ftp://x",
    "http://example.org",
    "https://",
    "https://localhost",
    "https://user:pass@example.org",
    "https://example.org/a b",
    "https://exa_mple.org",
    "tel:javascript:alert(1)",
    "tel:2022243121",
    "tel:+0123456789",
    "tel:+1 202 224 3121",
    "tel:+1234567890123456",
    "mailto:javascript:alert(1)",
    "mailto:a@b.org,c@d.org",
    "mailto:a@b.org?subject=hi",
    "mailto:a@b",
    "mailto:",
    "https://example.org/" + "a" * 500,
]
ALLOWED_LINKS = [
    "https://dea.gov",
    "https://www.congress.gov/members?state=AZ#list",
    "https://example.org:8443/a/b.htm",
    "tel:+12022243121",
    "tel:+525550001111",
    "mailto:a@b.org",
    "mailto:o'brien+civics@mail.example.gov",
]


@pytest.mark.parametrize("link", REFUSED_LINKS)
def test_action_clean_refuses_links_that_are_not_https_host_tel_e164_or_one_mailto(link):
    action = ActionItem(lesson=LessonFactory(), text="Read", kind="read", link=link)

    with pytest.raises(ValidationError) as excinfo:
        action.clean()
    assert "link" in excinfo.value.message_dict
    assert action.safe_link == ""


@pytest.mark.parametrize("link", ALLOWED_LINKS)
def test_action_clean_accepts_safe_links(link):
    action = ActionItem(lesson=LessonFactory(), text="Read", kind="read", link=link)
    action.full_clean()
    assert action.safe_link == link


# The last is over max_length; clean() strips the newline, the database must refuse it.
@pytest.mark.parametrize("link", [*REFUSED_LINKS[:-1], "https://example.org\n"])
def test_the_database_refuses_a_disallowed_link_written_around_clean(link):
    lesson = LessonFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.create(lesson=lesson, text="Read", kind="read", link=link)
    assert not ActionItem.objects.filter(lesson=lesson).exists()


@pytest.mark.parametrize("link", ALLOWED_LINKS)
def test_the_database_accepts_every_allowed_link(link):
    action = ActionItemFactory(text="Read", kind="read", link=link)
    action.refresh_from_db()
    assert action.link == link


def test_topic_url_and_str():
    topic = TopicFactory(name="Foreign Policy", slug="foreign-policy", emoji="🌍")

    assert topic.get_absolute_url() == "/topics/foreign-policy/"
    assert str(topic) == "🌍 Foreign Policy"


def test_source_factory_makes_a_valid_source():
    SourceFactory().full_clean()
