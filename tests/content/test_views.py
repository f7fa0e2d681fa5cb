import datetime as dt
import io
import re

import pytest
from django.core.management import call_command

from civics import views
from civics.content.models import Lesson
from tests.factories import (
    ActionItemFactory,
    KeyPointFactory,
    LessonFactory,
    LessonSectionFactory,
    StaffUserFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def _hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def assert_htmx_wired(html: str) -> None:
    body = re.search(r"<body[^>]*>", html).group(0)
    assert "hx-headers" in body
    token = re.search(r'"X-CSRFToken": "([^"]+)"', body)
    assert token and len(token.group(1)) >= 32
    assert re.search(r'<script[^>]+src="[^"]*htmx[^"]*\.js"', html)


# --- Home --------------------------------------------------------------------------------


def test_home_lists_published_lessons_and_topics_by_name_with_counts(client):
    trade = TopicFactory(name="Trade")  # created first, listed last
    government = TopicFactory(name="Government", emoji="🏛️")
    only_drafts = TopicFactory(name="Only drafts")
    LessonFactory(title="Security cooperation", topics=[government, trade])
    LessonFactory(title="Reset required", topics=[government])
    LessonFactory(title="Secret draft", draft=True, topics=[government, only_drafts])

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Security cooperation" in html
    assert "Reset required" in html
    assert "Secret draft" not in html
    topics = [(topic.name, topic.lesson_count) for topic in response.context["topics"]]
    assert topics == [("Government", 2), ("Trade", 1)]  # by name, as everywhere else
    assert 'Government <span class="chip__count">2 lessons</span>' in html
    assert 'Trade <span class="chip__count">1 lesson</span>' in html
    assert "Only drafts" not in html
    assert government.get_absolute_url() in _hrefs(html)
    assert_htmx_wired(html)


def test_home_lesson_cards_show_reading_time_source_and_action_count_on_one_line(client):
    lesson = LessonFactory(
        title="Security cooperation",
        source__author="",
        source__outlet="Principle Civics",
        source__published_on=dt.date(2025, 9, 3),
    )
    Lesson.objects.filter(pk=lesson.pk).update(reading_minutes=4)
    ActionItemFactory.create_batch(8, lesson=lesson)

    html = client.get("/").content.decode()

    meta = re.search(r'<p class="card__meta">(.*?)</p>', html, re.S).group(1)
    text = re.sub(r"<[^>]+>", "", meta)
    assert text == "4 min · Principle Civics · Sep 3, 2025 · 8 actions"
    assert '<time datetime="2025-09-03">' in meta
    assert lesson.get_absolute_url() in _hrefs(html)


@pytest.mark.parametrize(
    ("precision", "shown"), [("day", "Jun 15, 2024"), ("month", "Jun 2024"), ("year", "2024")]
)
def test_a_cards_source_date_is_as_precise_as_the_source_and_names_the_author(
    client, precision, shown
):
    LessonFactory(
        source__author="Christopher Landau",
        source__outlet="An Arizona-focused opinion site",
        source__published_on=dt.date(2024, 6, 15),
        source__date_precision=precision,
    )

    html = client.get("/").content.decode()

    meta = re.sub(r"<[^>]+>", "", re.search(r'<p class="card__meta">(.*?)</p>', html).group(1))
    assert meta == f"1 min · Christopher Landau · {shown}"


@pytest.mark.parametrize("count", [1, 2, 3])
def test_one_or_two_lessons_share_the_row_three_fill_the_grid(client, count):
    LessonFactory.create_batch(count)

    html = client.get("/").content.decode()

    grid = re.search(r'<div class="(cards[^"]*)">', html).group(1)
    assert grid == ("cards" if count >= 3 else "cards cards--few")
    assert html.count('<article class="card">') == count


def test_topics_show_their_svg_icon_hidden_from_assistive_tech_with_the_name_as_text(client):
    topic = TopicFactory(name="Trade", emoji="🚢", icon="truck")
    LessonFactory(topics=[topic])

    html = client.get("/").content.decode()
    topic_page = client.get(topic.get_absolute_url()).content.decode()

    chip = re.search(r'<a class="chip" href="/topics/[^"]+/">(.*?)</a>', html, re.S).group(1)
    assert re.match(r'<svg [^>]*aria-hidden="true"[^>]*class="icon"', chip)
    assert "Trade" in re.sub(r"<svg.*?</svg>", "", chip, flags=re.S)
    assert "🚢" not in html  # the emoji is decoration for the admin, not what learners see
    assert "<path" in chip
    heading = re.search(r'<h1 class="topic-title">(.*?)</h1>', topic_page, re.S).group(1)
    assert re.match(r'<svg [^>]*aria-hidden="true"', heading)
    assert heading.endswith("Trade")


def test_home_without_lessons_says_so(client):
    html = client.get("/").content.decode()

    assert "No lessons have been published yet" in html


def test_home_refuses_post(client):
    assert client.post("/").status_code == 405


def test_home_answers_head(client):
    assert client.head("/").status_code == 200


# --- Topic -------------------------------------------------------------------------------


def test_topic_page_lists_its_published_lessons_only(client):
    topic = TopicFactory(name="Drug Policy", emoji="💊")
    LessonFactory(title="On topic", topics=[topic])
    LessonFactory(title="Off topic", topics=[TopicFactory()])
    LessonFactory(title="Draft on topic", draft=True, topics=[topic])

    response = client.get(topic.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="topic-title">' in html and "Drug Policy</h1>" in html
    assert "On topic" in html
    assert "Off topic" not in html
    assert "Draft on topic" not in html
    assert_htmx_wired(html)


def test_topic_page_shows_drafts_to_staff(client):
    topic = TopicFactory()
    LessonFactory(title="Draft on topic", draft=True, topics=[topic])
    client.force_login(StaffUserFactory())

    html = client.get(topic.get_absolute_url()).content.decode()

    assert "Draft on topic" in html
    assert '<span class="badge">Draft</span>' in html


def test_topic_without_lessons_says_so(client):
    html = client.get(TopicFactory().get_absolute_url()).content.decode()

    assert "No published lessons on this topic yet" in html


def test_unknown_topic_is_404(client):
    assert client.get("/topics/no-such-topic/").status_code == 404


# --- Lesson ------------------------------------------------------------------------------


def test_lesson_page_shows_everything_about_the_lesson(client):
    topic = TopicFactory(name="Foreign Policy", emoji="🌍")
    lesson = LessonFactory(
        title="Security cooperation",
        summary="Closer teamwork against cross-border crime.",
        source__title="Rubio announces expanded collaboration",
        source__author="",
        source__outlet="Principle Civics",
        source__url="https://example.org/rubio",
        topics=[topic],
    )
    KeyPointFactory(lesson=lesson, text="Rubio met Mexican officials.")
    LessonSectionFactory(lesson=lesson, heading="What happened", body="Fuel **theft**.")
    LessonSectionFactory(lesson=lesson, heading="Why it matters", body="Border states.")

    response = client.get(lesson.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Security cooperation</h1>" in html
    assert "Closer teamwork against cross-border crime." in html
    assert 'href="https://example.org/rubio"' in html
    assert "Rubio announces expanded collaboration" in html
    assert "by Principle Civics, September 3, 2025." in html
    assert '<time datetime="2025-09-10">September 10, 2025</time>' in html
    assert "<li>Rubio met Mexican officials.</li>" in html
    assert '<section class="lesson__section" id="what-happened"' in html
    assert "<p>Fuel <strong>theft</strong>.</p>" in html
    assert 'href="#why-it-matters"' in html
    assert topic.get_absolute_url() in _hrefs(html)
    assert "Draft preview" not in html
    assert_htmx_wired(html)


def test_lesson_page_after_load_seeds_has_working_action_links(client):
    call_command("load_seeds", stdout=io.StringIO())
    news = Lesson.objects.get(slug="rubio-security-collaboration")

    html = client.get(news.get_absolute_url()).content.decode()

    assert "What you can do" in html
    hrefs = _hrefs(html)
    assert "tel:+12022243121" in hrefs
    assert "https://dea.gov" in hrefs
    assert "https://gao.gov" in hrefs
    assert "https://cfr.org" in hrefs
    assert html.count('class="action"') == 8
    assert ">202-224-3121</a>" in html
    assert "Principle Civics" in html
    assert "September 3, 2025" in html
    for topic in news.topics.all():
        assert topic.get_absolute_url() in hrefs


def test_draft_lesson_is_404_for_learners(client, django_user_model):
    draft = LessonFactory(draft=True)

    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(django_user_model.objects.create_user("learner", password="x"))
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_draft_lesson_is_previewed_by_staff(client):
    draft = LessonFactory(title="Work in progress", draft=True)
    client.force_login(StaffUserFactory())

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft preview" in html
    assert "Work in progress" in html


def test_unknown_lesson_gets_the_sites_404_page(client):
    response = client.get("/lessons/no-such-lesson/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "couldn't find" in html
    assert "/" in _hrefs(html)


def test_unknown_address_gets_the_sites_404_page(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "couldn't find" in response.content.decode()


# --- Errors and health -------------------------------------------------------------------


def test_server_error_page_renders_without_the_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = views.server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_healthz_says_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
