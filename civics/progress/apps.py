"""The progress app's configuration."""

from django.apps import AppConfig


class ProgressConfig(AppConfig):
    """What each learner has done: checklist ticks, lesson reads, profile; the dashboard,
    mastery and streak."""

    name = "civics.progress"
    label = "progress"
    verbose_name = "Learner progress"
