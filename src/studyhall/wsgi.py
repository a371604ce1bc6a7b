"""WSGI entry point, for servers without WebSockets (live updates then fall back to reloads)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyhall.settings")
application = get_wsgi_application()
