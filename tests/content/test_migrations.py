"""Data migrations move existing rows to the new rules without losing any."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("civics", "0006_content_version")]
AFTER = [("civics", "0007_action_link_allowed")]


@pytest.fixture
def executor(transactional_db):
    executor = MigrationExecutor(connection)
    yield executor
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # leave the schema as it was


def test_links_the_strict_constraint_would_refuse_are_mended_before_it_is_added(executor):
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    lesson = apps.get_model("civics", "Lesson").objects.create(
        title="T", slug="t", summary="S", status="draft"
    )
    ActionItem = apps.get_model("civics", "ActionItem")
    links = {
        "http://example.org/a": "https://example.org/a",
        "https://dea.gov": "https://dea.gov",
        "tel:+12022243121": "tel:+12022243121",
        "tel:javascript:alert(1)": "",
        "mailto:javascript:alert(1)": "",
        "mailto:a@b.org": "mailto:a@b.org",
        "": "",
    }
    ids = {
        ActionItem.objects.create(lesson=lesson, order=n, text="Act", link=old).pk: new
        for n, (old, new) in enumerate(links.items())
    }

    executor.loader.build_graph()
    executor.migrate(AFTER)

    apps = executor.loader.project_state(AFTER).apps
    ActionItem = apps.get_model("civics", "ActionItem")
    assert dict(ActionItem.objects.values_list("pk", "link")) == ids


def test_existing_topics_get_the_icon_their_emoji_suggests(executor):
    before, after = (
        [("civics", "0010_move_learner_state_to_progress")],
        [("civics", "0011_topic_icon")],
    )
    executor.migrate(before)
    Topic = executor.loader.project_state(before).apps.get_model("civics", "Topic")
    emoji = {"gov": "🏛️", "world": "🌍", "none": "", "odd": "🦄"}
    for slug, mark in emoji.items():
        Topic.objects.create(slug=slug, name=slug, emoji=mark)

    executor.loader.build_graph()
    executor.migrate(after)

    Topic = executor.loader.project_state(after).apps.get_model("civics", "Topic")
    assert dict(Topic.objects.values_list("slug", "icon")) == {
        "gov": "building-library",
        "world": "globe-americas",
        "none": "tag",
        "odd": "tag",
    }
