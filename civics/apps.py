from django.apps import AppConfig


class CivicsConfig(AppConfig):
    name = "civics"
    verbose_name = "Civic content"
