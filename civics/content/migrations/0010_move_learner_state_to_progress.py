"""Ticks, lesson reads and learner profiles now belong to the progress app (civics.progress).

State only: the tables stay where they are, under their old names; progress 0001 takes them
over, with their rows, constraints and content types."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("civics", "0009_markdown_length_limits"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="learnerprofile",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="lessonread",
                    name="lesson",
                ),
                migrations.RemoveField(
                    model_name="lessonread",
                    name="user",
                ),
                migrations.DeleteModel(
                    name="ActionTick",
                ),
                migrations.DeleteModel(
                    name="LearnerProfile",
                ),
                migrations.DeleteModel(
                    name="LessonRead",
                ),
            ],
        ),
    ]
