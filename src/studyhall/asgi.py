"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyhall.settings")

from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application

django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402

from studyhall.realtime.routing import websocket_urlpatterns  # noqa: E402
from studyhall.realtime.security import AllowedOriginsValidator  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        # An explicit list of origins; a handshake without Origin is refused.
        "websocket": AllowedOriginsValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
