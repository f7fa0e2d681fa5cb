"""A database made by the migrations before the apps were split moves to the new layout with no
row lost or changed: learner state (ticks, lesson reads, profiles) now belongs to the progress
app, in the same tables; only the content types' label changes, with the same ids, so every
permission and group keeps pointing at them."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("civics", "0009_markdown_length_limits"), ("quizzes", "0007_markdown_length_limits")]
MOVED = ["actiontick", "learnerprofile", "lessonread"]
NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def executor(transactional_db):
    executor = MigrationExecutor(connection)
    yield executor
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # leave the schema as it was


def every_row(columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Every row of every table but the migration log and the content types, in id order; with
    ``columns``, only those columns of those tables (a later migration may add a column)."""
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in ("django_migrations", "django_content_type"):
                continue
            if columns is not None and table not in columns:
                continue
            names = (
                "*"
                if columns is None
                else ", ".join(map(connection.ops.quote_name, columns[table]))
            )
            cursor.execute(f"SELECT {names} FROM {connection.ops.quote_name(table)} ORDER BY 1")
            rows[table] = cursor.fetchall()
    return rows


def every_column() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        return {
            table: [c.name for c in connection.introspection.get_table_description(cursor, table)]
            for table in connection.introspection.table_names(cursor)
        }


def fill(apps) -> None:
    """Learners, content, attempts, answers, reviews, ticks, reads, profiles and a group."""
    User = apps.get_model("auth", "User")
    learner = User.objects.create(username="ana", email="ana@example.org", password="x")
    other = User.objects.create(username="ben", password="x")
    lesson = apps.get_model("civics", "Lesson").objects.create(
        title="Water", slug="water", summary="S", status="published", published_on=NOW.date()
    )
    section = apps.get_model("civics", "LessonSection").objects.create(
        lesson=lesson, order=1, heading="Rivers", anchor="rivers", body="Text", body_html="<p>T</p>"
    )
    action = apps.get_model("civics", "ActionItem").objects.create(
        lesson=lesson, order=1, text="Call", kind="call", link="tel:+12022243121"
    )
    quiz = apps.get_model("quizzes", "Quiz").objects.create(
        lesson=lesson, title="Q", slug="q", is_published=True
    )
    question = apps.get_model("quizzes", "Question").objects.create(
        quiz=quiz, type="true_false", prompt="Rivers?", truth=True, section=section, order=1
    )
    Attempt = apps.get_model("quizzes", "Attempt")
    for user, state in ((learner, "finished"), (other, "in_progress")):
        attempt = Attempt.objects.create(
            quiz=quiz, user=user, mode="exam", seed=7, started_at=NOW, state=state,
            finished_at=NOW if state == "finished" else None,
        )  # fmt: skip
        apps.get_model("quizzes", "Slot").objects.create(
            attempt=attempt, question=question, position=1
        )
        apps.get_model("quizzes", "Answer").objects.create(
            attempt=attempt, question=question, points=1.0, is_correct=True, answered_at=NOW
        )
    apps.get_model("quizzes", "ReviewItem").objects.create(
        user=learner, question=question, box=2, due_at=NOW, updated_at=NOW
    )
    apps.get_model("civics", "ActionTick").objects.create(
        user=learner, action=action, note="Called on Monday", ticked_at=NOW
    )
    apps.get_model("civics", "LessonRead").objects.create(user=learner, lesson=lesson, read_at=NOW)
    apps.get_model("civics", "LearnerProfile").objects.create(
        user=learner, time_zone="America/Chicago", unconfirmed_email="new@example.org"
    )
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    tick_type, _ = ContentType.objects.get_or_create(app_label="civics", model="actiontick")
    permission, _ = Permission.objects.get_or_create(
        content_type=tick_type, codename="view_actiontick", defaults={"name": "Can view"}
    )
    group = apps.get_model("auth", "Group").objects.create(name="Coaches")
    group.permissions.add(permission)
    for model in MOVED[1:]:
        ContentType.objects.get_or_create(app_label="civics", model=model)


def test_learner_state_moves_to_progress_with_every_row_unchanged(executor):
    executor.migrate(BEFORE)
    fill(executor.loader.project_state(BEFORE).apps)
    rows_before = every_row()
    columns_before = every_column()
    types_before = dict(
        executor.loader.project_state(BEFORE)
        .apps.get_model("contenttypes", "ContentType")
        .objects.filter(model__in=MOVED)
        .values_list("model", "pk")
    )

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert every_row(columns_before) == rows_before
    assert sum(len(rows) for rows in rows_before.values()) > 20  # the fill did fill
    # Columns added since (a topic's icon, the exam's "flag for review") are the only change.
    added = {
        table: sorted(set(names) - set(columns_before.get(table, names)))
        for table, names in every_column().items()
    }
    assert {table: names for table, names in added.items() if names} == {
        "civics_topic": ["icon"],
        "quizzes_slot": ["flagged"],
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT flagged FROM quizzes_slot")
        assert [bool(value) for (value,) in cursor.fetchall()] == [False]
    apps = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    ContentType = apps.get_model("contenttypes", "ContentType")
    moved = ContentType.objects.filter(model__in=MOVED)
    assert {(t.app_label, t.model, t.pk) for t in moved} == {
        ("progress", model, pk) for model, pk in types_before.items()
    }
    tick = apps.get_model("progress", "ActionTick").objects.get()
    assert (tick.note, tick.user.username, tick.action.text) == ("Called on Monday", "ana", "Call")
    profile = apps.get_model("progress", "LearnerProfile").objects.get()
    assert profile.unconfirmed_email == "new@example.org"
    group = apps.get_model("auth", "Group").objects.get(name="Coaches")
    assert [p.content_type.app_label for p in group.permissions.all()] == ["progress"]


def test_the_move_can_be_undone(executor):
    executor.migrate(BEFORE)
    fill(executor.loader.project_state(BEFORE).apps)
    rows_before = every_row()
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    executor.loader.build_graph()
    executor.migrate(BEFORE)

    assert every_row() == rows_before
    apps = executor.loader.project_state(BEFORE).apps
    labels = set(
        apps.get_model("contenttypes", "ContentType")
        .objects.filter(model__in=MOVED)
        .values_list("app_label", flat=True)
    )
    assert labels == {"civics"}
