"""WSGI entry point (gunicorn civics.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civics.settings")

application = get_wsgi_application()
