"""WebSocket routes."""

from django.urls import path

from studyhall.realtime.consumers import StreamConsumer

websocket_urlpatterns = [
    path("ws/streams/", StreamConsumer.as_asgi()),
]
