"""The authoring app's configuration."""

from django.apps import AppConfig


class AuthoringConfig(AppConfig):
    """The article import pipeline: parser, question drafting, the admin page and commands."""

    name = "civics.authoring"
    label = "authoring"
    verbose_name = "Authoring"
