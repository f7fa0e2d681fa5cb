"""Take over the content app's tables of learner state (civics 0010 let go of them): state
only, the tables and rows stay as they are; their content types (and so their permissions)
move to this app's label."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ["actiontick", "lessonread", "learnerprofile"]


def _move(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if ContentType.objects.filter(app_label=old, model=model).exists():
            # A fresh database may already hold an empty one under the new label.
            ContentType.objects.filter(app_label=new, model=model).delete()
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types(apps, schema_editor):
    _move(apps, "civics", "progress")


def move_content_types_back(apps, schema_editor):
    _move(apps, "progress", "civics")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("civics", "0010_move_learner_state_to_progress"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LearnerProfile",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("time_zone", models.CharField(default="UTC", max_length=64)),
                        ("unconfirmed_email", models.EmailField(blank=True, max_length=254)),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="learner_profile",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "civics_learnerprofile",
                    },
                ),
                migrations.CreateModel(
                    name="ActionTick",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=280)),
                        ("ticked_at", models.DateTimeField()),
                        (
                            "action",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="ticks",
                                to="civics.actionitem",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="action_ticks",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "civics_actiontick",
                        "ordering": ["-ticked_at"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "action"), name="one_tick_per_action"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="LessonRead",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("read_at", models.DateTimeField()),
                        (
                            "lesson",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reads",
                                to="civics.lesson",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="lesson_reads",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "civics_lessonread",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "lesson"), name="one_read_per_lesson"
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
