"""Each page runs a fixed number of queries, however many lessons, sections, topics or actions.

Every page is rendered with 1 and with 20 of each; both counts must equal the pinned number, so
a query per row (growth) and an extra query per page (regression) both fail here.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civics.content.models import Lesson, Source, Topic
from tests.factories import (
    ActionItemFactory,
    KeyPointFactory,
    LessonFactory,
    LessonSectionFactory,
    TopicFactory,
)
from tests.quizzes.factories import QuizFactory

pytestmark = pytest.mark.django_db

PINNED = {
    "home": 3,  # topics with counts, lesson cards, their topics
    "topic": 3,  # the topic, its lesson cards, their topics
    # First view of a content version: the version, then the lesson with its source, topics,
    # key points, sections, actions and published quizzes (contentcache keeps the result).
    "lesson": 7,
}
# Every later view until content changes: the content version, nothing else.
LESSON_WARM = 1
LESSON_PAGE_QUERYSET = 5  # Lesson.objects.for_lesson_page(): the page's queries but the quizzes


def build(n: int) -> tuple[Topic, Lesson]:
    """n lessons, each with n topics, n sections, n actions and n key points."""
    topics = TopicFactory.create_batch(n)
    lessons = LessonFactory.create_batch(n, topics=topics)
    for lesson in lessons:
        LessonSectionFactory.create_batch(n, lesson=lesson)
        ActionItemFactory.create_batch(n, lesson=lesson)
        KeyPointFactory.create_batch(n, lesson=lesson)
    return topics[0], lessons[0]


def url_for(page_name: str, topic: Topic, lesson: Lesson) -> str:
    urls = {"home": "/", "topic": topic.get_absolute_url(), "lesson": lesson.get_absolute_url()}
    return urls[page_name]


def count_queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def clear() -> None:
    Lesson.objects.all().delete()
    Source.objects.all().delete()
    Topic.objects.all().delete()


@pytest.mark.parametrize("page_name", PINNED)
def test_page_runs_the_same_pinned_number_of_queries_for_1_and_20_rows(client, page_name):
    topic, lesson = build(1)
    small, _ = count_queries(client, url_for(page_name, topic, lesson))
    clear()
    topic, lesson = build(20)

    large, html = count_queries(client, url_for(page_name, topic, lesson))

    assert (small, large) == (PINNED[page_name], PINNED[page_name])
    # The 20 rows really are on the page.
    if page_name == "lesson":
        assert html.count('class="lesson__section"') == 20
        assert html.count('class="action"') == 20
    else:
        assert html.count('class="card"') == 20
        assert html.count('class="chip"') >= 20 * 20


def test_staff_preview_of_a_draft_runs_a_fixed_number_of_queries(client, django_user_model):
    staff = django_user_model.objects.create_user("educator", password="x", is_staff=True)
    client.force_login(staff)
    counts = []
    for n in (1, 20):
        clear()
        lesson = LessonFactory(draft=True)
        LessonSectionFactory.create_batch(n, lesson=lesson)
        ActionItemFactory.create_batch(n, lesson=lesson)
        KeyPointFactory.create_batch(n, lesson=lesson)
        lesson.topics.set(TopicFactory.create_batch(n))
        counts.append(count_queries(client, lesson.get_absolute_url())[0])

    # The session and the user, the lesson page's own queries, then what a signed-in reader
    # adds: recording the read (one INSERT ... ON CONFLICT DO NOTHING) and their ticks.
    assert counts == [PINNED["lesson"] + 4, PINNED["lesson"] + 4]


def test_for_lesson_page_loads_everything_the_page_touches(django_assert_num_queries):
    _, lesson = build(3)

    with django_assert_num_queries(LESSON_PAGE_QUERYSET):
        lesson = Lesson.objects.for_lesson_page().get(pk=lesson.pk)
        touched = [
            lesson.source.byline,
            [topic.name for topic in lesson.topics.all()],
            [point.text for point in lesson.key_points.all()],
            [section.body_html for section in lesson.sections.all()],
            [action.link_label for action in lesson.actions.all()],
        ]
    assert [len(part) for part in touched[1:]] == [3, 3, 3, 3]


def test_for_cards_loads_everything_a_card_touches(django_assert_num_queries):
    build(3)

    with django_assert_num_queries(2):
        cards = [
            (lesson.source.byline, lesson.action_count, [t.name for t in lesson.topics.all()])
            for lesson in Lesson.objects.published().for_cards()
        ]
    assert [(count, len(names)) for _, count, names in cards] == [(3, 3)] * 3


@pytest.mark.parametrize("n", [1, 20])
def test_a_lesson_page_already_prepared_costs_one_query_anonymous(client, n):
    _, lesson = build(n)
    count_queries(client, lesson.get_absolute_url())

    queries, html = count_queries(client, lesson.get_absolute_url())

    assert queries == LESSON_WARM
    assert html.count('class="action"') == n


def test_a_signed_in_reader_adds_their_own_rows_to_a_prepared_page(client, django_user_model):
    _, lesson = build(3)
    QuizFactory(lesson=lesson)
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    count_queries(client, lesson.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        assert client.get(lesson.get_absolute_url()).status_code == 200

    # session, user, content version, the read (INSERT ... ON CONFLICT DO NOTHING), the quiz
    # in progress, the reader's ticks
    assert len(queries) == 6, [q["sql"] for q in queries]
