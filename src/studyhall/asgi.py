"""ASGI entry point: HTTP through Django's WSGI handler on a thread pool, WebSockets
through Channels.

Every page and API view is synchronous. Django's ASGI handler would run each
one through a thread hop of its own and a new executor per request, which
costs more CPU than most of our pages do; a fixed pool of threads running the
WSGI handler serves the same views at about a third of the overhead (see
docs/decisions/0002-thread-page-speed.md). WebSockets stay fully asynchronous.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyhall.settings")

from a2wsgi import WSGIMiddleware
from django.conf import settings
from django.core.wsgi import get_wsgi_application

http_application = WSGIMiddleware(
    get_wsgi_application(),  # type: ignore[arg-type]
    workers=settings.HTTP_THREADS,
)

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from studyhall.realtime.routing import websocket_urlpatterns  # noqa: E402
from studyhall.realtime.security import AllowedOriginsValidator  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": http_application,
        # An explicit list of origins; a handshake without Origin is refused.
        "websocket": AllowedOriginsValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
