"""WebSocket endpoint: follow event streams and resume from the last sequence seen."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from studyhall.realtime import selectors
from studyhall.realtime.services import group_name

MAX_STREAMS = 20


class StreamConsumer(AsyncJsonWebsocketConsumer):
    """Clients send {"subscribe": "thread.42", "since": 17} and receive events.

    A subscription starts only once the policy lets the viewer see the stream's
    subject; missed events are replayed from storage before the live tail.
    """

    async def connect(self) -> None:
        self.streams: dict[str, int] = {}
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for stream in list(self.streams):
            await self.channel_layer.group_discard(
                group_name(stream), self.channel_name
            )

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or not isinstance(
            content.get("subscribe"), str
        ):
            await self.send_json({"type": "error", "code": "bad_frame"})
            return
        stream = content["subscribe"]
        since = content.get("since", 0)
        if not isinstance(since, int) or since < 0:
            since = 0
        user = self.scope.get("user")
        allowed = await database_sync_to_async(selectors.can_follow)(user, stream)
        if not allowed or len(self.streams) >= MAX_STREAMS:
            await self.send_json(
                {"type": "error", "code": "not_found", "stream": stream}
            )
            return
        self.streams[stream] = since
        await self.channel_layer.group_add(group_name(stream), self.channel_name)
        missed = await database_sync_to_async(selectors.missed_events)(stream, since)
        for frame in missed:
            await self._deliver(frame)
        await self.send_json({"type": "subscribed", "stream": stream})

    async def stream_event(self, message: dict[str, Any]) -> None:
        stream = message["stream"]
        # Re-check each event for this viewer; losing access ends the subscription.
        user = self.scope.get("user")
        if not await database_sync_to_async(selectors.can_follow)(user, stream):
            self.streams.pop(stream, None)
            await self.channel_layer.group_discard(
                group_name(stream), self.channel_name
            )
            await self.send_json({"type": "unsubscribed", "stream": stream})
            return
        await self._deliver(
            {
                "type": "event",
                "stream": message["stream"],
                "sequence": message["sequence"],
                "event": message["event"],
                "payload": message["payload"],
            }
        )

    async def _deliver(self, frame: dict[str, Any]) -> None:
        stream = frame["stream"]
        last = self.streams.get(stream)
        # Replay and live tail can overlap; a sequence is delivered once.
        if last is None or frame["sequence"] <= last:
            return
        self.streams[stream] = frame["sequence"]
        await self.send_json(frame)
