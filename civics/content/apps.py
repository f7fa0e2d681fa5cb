"""The content app's configuration; it watches its own models for the content cache."""

from django.apps import AppConfig

from civics.content import contentcache


class ContentConfig(AppConfig):
    """Topics, sources, lessons and their sections and actions; the content cache.

    The label stays "civics" (the app's name before it moved to ``civics.content``), so tables,
    migrations, content types and permissions keep their names."""

    name = "civics.content"
    label = "civics"
    verbose_name = "Civic content"

    def ready(self):
        contentcache.watch(*contentcache.CONTENT_MODELS)
