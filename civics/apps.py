from django.apps import AppConfig


class CivicsConfig(AppConfig):
    name = "civics"
    verbose_name = "Civic content"

    def ready(self):
        from . import contentcache

        contentcache.connect_signals()
