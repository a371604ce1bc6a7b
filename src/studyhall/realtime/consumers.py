"""WebSocket endpoint: follow event streams, resume by sequence, send frames.

One socket per page. The client subscribes to streams with the last
sequence it saw and receives what it missed, then the live tail; a client
too far behind is told to reload. Inbound frames other than subscriptions
(chat's "send", "typing"...) go to the handler an app registered, which calls
one service; every failure comes back as an error frame and the socket stays
open. Access is re-checked per event from a snapshot that the person's
control group refreshes at once when a membership, the account or the session
changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404

from studyhall.core.errors import DomainError
from studyhall.realtime import selectors
from studyhall.realtime.access import control_group
from studyhall.realtime.registry import conceal_hook, frame_handler, presence_hook
from studyhall.realtime.services import group_name

logger = logging.getLogger(__name__)

MAX_STREAMS = 20

# Close codes (4000-4999 are the application's own).
CLOSE_SESSION_ENDED = 4401
CLOSE_IDLE = 4408
CLOSE_TOO_SLOW = 4429


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def error_frame(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"type": "error", "code": code, "message": message, **extra}


def _error_for(error: Exception) -> tuple[str, str]:
    if isinstance(error, DomainError):
        return error.code, error.message
    if isinstance(error, ValidationError):
        messages = (
            [m for ms in error.message_dict.values() for m in ms]
            if hasattr(error, "error_dict")
            else error.messages
        )
        code = "invalid"
        if hasattr(error, "error_dict"):
            first = next(iter(error.error_dict.values()))[0]
            code = first.code or code
        return code, " ".join(messages)
    if isinstance(error, PermissionDenied):
        return "forbidden", str(error) or "You cannot do that here."
    return "not_found", "Not found."


class StreamConsumer(AsyncJsonWebsocketConsumer):
    """Clients send {"subscribe": "thread.42", "since": 17} and receive events.

    A subscription starts only once the policy lets the viewer see the stream's
    subject; missed events are replayed from storage before the live tail.
    """

    async def connect(self) -> None:
        self.streams: dict[str, int] = {}
        self.checked_at: dict[str, float] = {}
        user = self.scope.get("user")
        self.user_id: int | None = (
            user.pk if user is not None and user.is_authenticated else None
        )
        session = self.scope.get("session")
        self.session_key: str | None = getattr(session, "session_key", None)
        self.loop = asyncio.get_running_loop()
        self.last_heard = self.loop.time()
        self.closed = False
        self.hidden: frozenset[int] = frozenset()
        await self.accept()
        if user_id := self.user_id:
            self.hidden = await database_sync_to_async(selectors.hidden_people)(user)
            await self.channel_layer.group_add(
                control_group(user_id), self.channel_name
            )
        self.heartbeat = asyncio.create_task(self._heartbeat())

    async def disconnect(self, code: int) -> None:
        await self._cleanup()

    async def _cleanup_quietly(self) -> None:
        with contextlib.suppress(Exception):
            await self._cleanup()

    async def _cleanup(self) -> None:
        if self.closed:
            return
        self.closed = True
        heartbeat = getattr(self, "heartbeat", None)
        if heartbeat is not None and heartbeat is not asyncio.current_task():
            heartbeat.cancel()
        for stream in list(self.streams):
            await self._leave(stream)
        if user_id := getattr(self, "user_id", None):
            await self.channel_layer.group_discard(
                control_group(user_id), self.channel_name
            )

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections before every handler: a
        # trip to the one database thread per socket and per event, which with
        # a thousand sockets in a room queues a thousand trips behind every
        # message. Every database call here goes through
        # database_sync_to_async, which closes them itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- inbound -----------------------------------------------------------

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kw: Any
    ) -> None:
        self.last_heard = self.loop.time()
        if text_data is None:
            await self.send_json(error_frame("bad_frame", "Send JSON text frames."))
            return
        limit = int(_setting("REALTIME_MAX_FRAME_CHARS", 32_000))
        if len(text_data) > limit:
            await self.send_json(
                error_frame(
                    "frame_too_large",
                    f"A frame may hold at most {limit:,} characters.",
                )
            )
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_json(error_frame("bad_frame", "That frame is not JSON."))
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            await self.send_json(error_frame("bad_frame", "Send a JSON object."))
            return
        if isinstance(content.get("subscribe"), str):
            since = content.get("since")
            at = content.get("since_time")
            if (
                since is None
                and isinstance(at, int | float)
                and not isinstance(at, bool)
            ):
                # A page rendered at a moment: resume after the events it showed.
                since = await database_sync_to_async(selectors.sequence_at)(
                    content["subscribe"], float(at)
                )
            await self._subscribe(content["subscribe"], since)
            return
        type = content.get("type")
        if type == "ping":
            await self.send_json({"type": "pong"})
            return
        if type == "pong":
            return
        if type == "unsubscribe" and isinstance(content.get("stream"), str):
            if content["stream"] in self.streams:
                await self._leave(content["stream"])
            await self.send_json({"type": "unsubscribed", "stream": content["stream"]})
            return
        handler = frame_handler(type) if isinstance(type, str) else None
        if handler is None:
            await self.send_json(
                error_frame("bad_frame", "Unknown frame type.", ref=content.get("ref"))
            )
            return
        reply = await database_sync_to_async(self._handle)(handler, content)
        if reply is not None:
            await self.send_json(reply)

    def _handle(self, handler: Any, content: dict[str, Any]) -> dict[str, Any] | None:
        from studyhall import policy

        user = self.scope.get("user")
        # Roles may have changed since the last frame: answer from fresh ones.
        policy.forget(user)
        echo = {k: content[k] for k in ("ref", "client_id") if k in content}
        try:
            return handler(user, content)
        except (
            DomainError,
            ValidationError,
            PermissionDenied,
            Http404,
            ObjectDoesNotExist,
        ) as error:
            code, message = _error_for(error)
            return error_frame(code, message, **echo)
        except Exception:
            logger.exception("frame %r failed", content.get("type"))
            return error_frame("server_error", "Something went wrong.", **echo)

    # --- subscriptions -----------------------------------------------------

    async def _subscribe(self, stream: str, since: Any) -> None:
        # Without a sequence the client wants only what happens from now on.
        tail_only = since is None
        if not isinstance(since, int) or isinstance(since, bool) or since < 0:
            since = 0
        allowed = await database_sync_to_async(selectors.can_follow)(
            self.scope.get("user"), stream
        )
        if not allowed or (
            stream not in self.streams and len(self.streams) >= MAX_STREAMS
        ):
            await self.send_json(
                error_frame("not_found", "No such stream.", stream=stream)
            )
            return
        self.streams[stream] = since
        self.checked_at[stream] = self.loop.time()
        await self.channel_layer.group_add(group_name(stream), self.channel_name)
        if tail_only:
            since = await database_sync_to_async(selectors.current_sequence)(stream)
            self.streams[stream] = max(self.streams[stream], since)
        plan = await database_sync_to_async(selectors.replay_plan)(stream, since)
        if plan.reload:
            self.streams[stream] = plan.last_sequence
            await self.send_json(
                {"type": "reload", "stream": stream, "sequence": plan.last_sequence}
            )
        for frame in plan.frames:
            await self._deliver(frame)
        await self.send_json(
            {"type": "subscribed", "stream": stream, "sequence": self.streams[stream]}
        )
        await self._presence(stream, online=True)

    async def _leave(self, stream: str) -> None:
        self.streams.pop(stream, None)
        self.checked_at.pop(stream, None)
        await self.channel_layer.group_discard(group_name(stream), self.channel_name)
        await self._presence(stream, online=False)

    async def _drop(self, stream: str) -> None:
        await self._leave(stream)
        await self.send_json({"type": "unsubscribed", "stream": stream})

    async def _presence(self, stream: str, *, online: bool) -> None:
        kind, _, ident = stream.partition(".")
        hook = presence_hook(kind)
        user = self.scope.get("user")
        if hook is None or self.user_id is None or not ident.isdigit():
            return
        try:
            await database_sync_to_async(hook)(user, int(ident), online)
        except Exception:
            logger.exception("presence of %s on %s failed", self.user_id, stream)

    # --- outbound ----------------------------------------------------------

    async def stream_event(self, message: dict[str, Any]) -> None:
        stream = message["stream"]
        if stream not in self.streams:
            return
        # The viewer's access was checked at subscription and is checked again
        # at once by the control group when it may have changed, and on every
        # ping past REALTIME_RECHECK_SECONDS: delivery itself waits on nothing.
        frame = {
            "type": "event",
            "stream": stream,
            "sequence": message["sequence"],
            "event": message["event"],
            "payload": message["payload"],
        }
        last = self.streams[stream]
        if frame["sequence"] > last + 1:
            # A fan-out was lost (a full buffer, a restarted Redis): fill the
            # gap from storage, which holds every event before it is sent.
            for missed in await database_sync_to_async(selectors.missed_events)(
                stream, last
            ):
                await self._deliver(missed)
            return
        # The publisher encoded the frame once for every socket.
        await self._deliver(frame, message.get("text"))

    async def stream_ephemeral(self, message: dict[str, Any]) -> None:
        stream = message["stream"]
        if stream not in self.streams:
            return
        payload: dict[str, Any] | None = message["payload"]
        people = message.get("people", [])
        if self.hidden and not self.hidden.isdisjoint(people):
            # Someone blocked either way: the viewer is not told of their
            # typing or presence.
            hook = conceal_hook(stream.partition(".")[0])
            assert payload is not None
            if hook is not None:
                payload = hook(message["event"], payload, people, self.hidden)
            else:
                payload = None
            if payload is None:
                return
        await self.send_json(
            {
                "type": "signal",
                "stream": stream,
                "event": message["event"],
                "payload": payload,
            }
        )

    async def access_changed(self, message: dict[str, Any]) -> None:
        if not await database_sync_to_async(selectors.session_is_valid)(
            self.scope.get("user"), self.session_key
        ):
            await self._end(CLOSE_SESSION_ENDED)
            return
        # A block or unblock also comes this way.
        self.hidden = await database_sync_to_async(selectors.hidden_people)(
            self.scope.get("user")
        )
        for stream in list(self.streams):
            allowed = await database_sync_to_async(selectors.can_follow)(
                self.scope.get("user"), stream
            )
            self.checked_at[stream] = self.loop.time()
            if not allowed:
                await self._drop(stream)

    async def session_ended(self, message: dict[str, Any]) -> None:
        if not message.get("session") or message["session"] == self.session_key:
            await self._end(CLOSE_SESSION_ENDED)

    async def _deliver(self, frame: dict[str, Any], text: str | None = None) -> None:
        stream = frame["stream"]
        last = self.streams.get(stream)
        # Replay and live tail can overlap; a sequence is delivered once.
        if last is None or frame["sequence"] <= last:
            return
        self.streams[stream] = frame["sequence"]
        await self._send_text(text if text is not None else json.dumps(frame))

    async def send_json(self, content: Any, close: bool = False) -> None:
        await self._send_text(json.dumps(content))
        if close:
            await self.close(code=close if close is not True else None)

    async def _send_text(self, text: str) -> None:
        # A client that stops reading fills the server's write buffer and the
        # send waits; past the timeout it is dropped so it holds nothing up.
        # It resumes by sequence when it reads again.
        try:
            async with asyncio.timeout(_setting("REALTIME_SEND_TIMEOUT_SECONDS", 10)):
                await AsyncJsonWebsocketConsumer.send(self, text_data=text)
        except TimeoutError:
            logger.warning("dropping a socket of %s that stopped reading", self.user_id)
            await self._end(CLOSE_TOO_SLOW, wait=False)

    async def _end(self, code: int, *, wait: bool = True) -> None:
        await self._cleanup()
        close = self.close(code=code)
        if wait:
            await close
        else:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(close, 1)
        raise StopConsumer()

    async def _refresh(self) -> None:
        """Renew group memberships and catch up on anything not fanned out.

        A restarted Redis forgets its groups and drops messages in flight;
        re-joining is idempotent, and storage fills the gap within a ping.
        """
        if user_id := self.user_id:
            await self.channel_layer.group_add(
                control_group(user_id), self.channel_name
            )
        for stream in list(self.streams):
            await self.channel_layer.group_add(group_name(stream), self.channel_name)
        # One trip to the worker thread per socket and ping: with many sockets
        # that thread is the server's narrowest point.
        recheck = _setting("REALTIME_RECHECK_SECONDS", 10)
        now = self.loop.time()
        due = [
            stream
            for stream in self.streams
            if now - self.checked_at.get(stream, 0) >= recheck
        ]
        latest, denied = await database_sync_to_async(self._renew)(
            list(self.streams), due
        )
        for stream in due:
            self.checked_at[stream] = now
        for stream in denied:
            if stream in self.streams:
                await self._drop(stream)
        for stream, sequence in latest.items():
            last = self.streams.get(stream)
            if last is not None and sequence > last:
                for missed in await database_sync_to_async(selectors.missed_events)(
                    stream, last
                ):
                    await self._deliver(missed)

    def _renew(
        self, streams: list[str], due: list[str]
    ) -> tuple[dict[str, int], list[str]]:
        """Check the due streams' access again, renew presence, and return the
        streams' last sequences and those the person may no longer follow."""
        from studyhall import policy

        user = self.scope.get("user")
        policy.forget(user)
        denied = [s for s in due if not selectors.can_follow(user, s, fresh=False)]
        streams = [s for s in streams if s not in denied]
        if self.user_id is not None:
            for stream in streams:
                kind, _, ident = stream.partition(".")
                hook = presence_hook(kind)
                if hook is not None and ident.isdigit():
                    hook(user, int(ident), True)
        return selectors.current_sequences(streams), denied

    async def _heartbeat(self) -> None:
        ping = _setting("REALTIME_PING_SECONDS", 20)
        idle = _setting("REALTIME_IDLE_TIMEOUT_SECONDS", 40)
        try:
            while True:
                await asyncio.sleep(ping)
                if self.loop.time() - self.last_heard > idle:
                    # No frame (not even a pong) for too long: the peer is gone.
                    await self._cleanup()
                    await self.close(code=CLOSE_IDLE)
                    return
                await self.send_json({"type": "ping"})
                await self._refresh()
        except (asyncio.CancelledError, StopConsumer):
            pass
        except Exception:
            # The channel layer is unreachable (Redis restarting): close, so the
            # client reconnects and resumes by sequence.
            logger.exception("heartbeat of a socket failed; closing it")
            await self._cleanup_quietly()
            with contextlib.suppress(Exception):
                await self.close(code=1011)
