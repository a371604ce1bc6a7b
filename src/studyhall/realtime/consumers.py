"""WebSocket endpoint: follow event streams, resume by sequence, send frames.

One socket per page. The client subscribes to streams with the last
sequence it saw and receives what it missed, then the live tail; a client
too far behind is told to reload. Inbound frames other than subscriptions
(chat's "send", "typing"...) go to the handler an app registered, which calls
one service; every failure comes back as an error frame and the socket stays
open. Each socket keeps the streams its viewer may follow: set through the
policy at subscription, checked again at once when the person's control group
says a membership, the account or the session changed, and at pings. Frames
reach it through the process's hub (realtime.fanout) and wait in a bounded
outbox that one writer task drains; a frame of a stream the viewer can no
longer follow is dropped even if already queued.
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
from channels.utils import await_many_dispatch
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404

from studyhall.core.errors import DomainError
from studyhall.realtime import selectors
from studyhall.realtime.fanout import Hub, hub
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

    CLOSE_IDLE = CLOSE_IDLE
    # The process's hub talks to the channel layer for every socket.
    channel_layer_alias = None  # type: ignore[assignment]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        # What the hub and the heartbeat ask of this socket (access changed,
        # session ended, a stream to drop or to fill from storage), handled in
        # turn with the client's own frames.
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[tuple[str | None, str]] = asyncio.Queue(
            maxsize=int(_setting("REALTIME_OUTBOX_FRAMES", 1000))
        )
        self.closed = False
        # Set once the socket is being closed: nothing more is queued.
        self.stopping = False
        # While the person's access is being checked again, the writer sends
        # nothing of its streams, even frames already queued: afterwards they
        # go out only for the streams still allowed.
        self.rechecks = 0
        self.clear = asyncio.Event()
        self.clear.set()
        self.writer: asyncio.Task[None] | None = None
        self.hub: Hub | None = None
        try:
            await await_many_dispatch([receive, self.inbox.get], self.dispatch)
        except StopConsumer:
            pass
        finally:
            await self._cleanup_quietly()
            if self.writer is not None:
                self.writer.cancel()

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
        self.hidden: frozenset[int] = frozenset()
        await self.accept()
        self.sending_since: float | None = None
        self.writer = asyncio.create_task(self._write())
        if self.user_id:
            self.hidden = await database_sync_to_async(selectors.hidden_people)(user)
        self.hub = hub()
        await self.hub.register(self)

    async def disconnect(self, code: int) -> None:
        await self._cleanup()

    async def _cleanup_quietly(self) -> None:
        with contextlib.suppress(Exception):
            await self._cleanup()

    async def _cleanup(self) -> None:
        if self.closed:
            return
        self.closed = self.stopping = True
        for stream in list(getattr(self, "streams", ())):
            await self._leave(stream)
        if self.hub is not None:
            await self.hub.unregister(self)

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections before every handler: a
        # trip to the one database thread per socket and per event. Every
        # database call here goes through database_sync_to_async, which closes
        # them itself.
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
        assert self.hub is not None
        await self.hub.join(group_name(stream), self)
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

    def forget(self, stream: str) -> None:
        """Stop following a stream at once: frames of it already queued are
        not sent either."""
        self.streams.pop(stream, None)
        self.checked_at.pop(stream, None)

    async def _leave(self, stream: str) -> None:
        self.forget(stream)
        if self.hub is not None:
            await self.hub.leave(group_name(stream), self)
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

    # --- from the hub ------------------------------------------------------

    def offer(self, stream: str, sequence: int, text: str) -> None:
        """Queue a live event the hub encoded once for every local socket."""
        last = self.streams.get(stream)
        # Only streams the viewer follows, i.e. was allowed to and still is.
        if last is None or sequence <= last:
            return
        if sequence > last + 1:
            # A fan-out was lost (a full buffer, a restarted Redis): fill the
            # gap from storage, which holds every event before it is sent.
            self.inbox.put_nowait({"type": "stream.catchup", "stream": stream})
            return
        self.streams[stream] = sequence
        self.push(stream, text)

    def offer_concealed(self, message: dict[str, Any]) -> None:
        """Queue a signal about someone hidden from the viewer, without them."""
        stream = message["stream"]
        hook = conceal_hook(stream.partition(".")[0])
        payload: dict[str, Any] | None = None
        if hook is not None:
            payload = hook(
                message["event"], message["payload"], message["people"], self.hidden
            )
        if payload is not None:
            frame = {
                "type": "signal",
                "stream": stream,
                "event": message["event"],
                "payload": payload,
            }
            self.push(stream, json.dumps(frame))

    def push(self, stream: str | None, text: str) -> None:
        """Queue a frame (of a stream, or of the socket itself) for the writer.

        A client that does not read fills its outbox and is closed as too slow;
        it resumes by sequence when it reads again.
        """
        if self.stopping:
            return
        try:
            self.outbox.put_nowait((stream, text))
        except asyncio.QueueFull:
            self.too_slow()

    def control(self, message: dict[str, Any]) -> None:
        """Take a message of the person's control group (from the hub)."""
        if message.get("type") == "access.changed":
            # Until this socket has asked the policy again, nothing of its
            # streams goes out: the person may just have lost one.
            self.rechecks += 1
            self.clear.clear()
        self.inbox.put_nowait(message)

    def _release(self) -> None:
        self.rechecks -= 1
        if not self.rechecks:
            self.clear.set()

    async def _queue(self, stream: str | None, text: str) -> None:
        """Queue a frame of the socket's own (a reply, a replay), waiting for
        room in the outbox: a replay may be longer than the outbox."""
        if self.stopping:
            return
        try:
            async with asyncio.timeout(_setting("REALTIME_SEND_TIMEOUT_SECONDS", 10)):
                await self.outbox.put((stream, text))
        except TimeoutError:
            logger.warning("dropping a socket of %s that stopped reading", self.user_id)
            await self._end(CLOSE_TOO_SLOW, wait=False)

    def stop(self, code: int, *, wait: bool = True) -> None:
        """Close the socket from outside its own task (the hub, the writer)."""
        if self.stopping:
            return
        self.stopping = True
        self.inbox.put_nowait({"type": "socket.stop", "code": code, "wait": wait})

    def too_slow(self) -> None:
        if self.stopping:
            return
        logger.warning("dropping a socket of %s that stopped reading", self.user_id)
        self.stop(CLOSE_TOO_SLOW, wait=False)

    async def _write(self) -> None:
        # No timer per frame: the heartbeat closes a socket whose send has
        # waited longer than REALTIME_SEND_TIMEOUT_SECONDS.
        get = self.outbox.get
        while True:
            stream, text = await get()
            if stream is not None and not self.clear.is_set():
                await self.clear.wait()
            if stream is not None and stream not in self.streams:
                # Access ended (or the client left) after it was queued.
                continue
            self.sending_since = self.loop.time()
            try:
                await self.base_send({"type": "websocket.send", "text": text})
            except Exception:
                return
            self.sending_since = None

    async def socket_stop(self, message: dict[str, Any]) -> None:
        await self._end(message["code"], wait=message["wait"])

    async def stream_drop(self, message: dict[str, Any]) -> None:
        if not self.closed:
            await self._drop(message["stream"])

    async def stream_catchup(self, message: dict[str, Any]) -> None:
        stream = message["stream"]
        last = self.streams.get(stream)
        if last is None:
            return
        for missed in await database_sync_to_async(selectors.missed_events)(
            stream, last
        ):
            await self._deliver(missed)

    async def access_changed(self, message: dict[str, Any]) -> None:
        try:
            await self._recheck()
        finally:
            self._release()

    async def _recheck(self) -> None:
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

    # --- outbound ----------------------------------------------------------

    async def _deliver(self, frame: dict[str, Any]) -> None:
        stream = frame["stream"]
        last = self.streams.get(stream)
        # Replay and live tail can overlap; a sequence is delivered once.
        if last is None or frame["sequence"] <= last:
            return
        self.streams[stream] = frame["sequence"]
        await self._queue(stream, json.dumps(frame))

    async def send_json(self, content: Any, close: bool = False) -> None:
        await self._queue(None, json.dumps(content))
        if close:
            await self.close(code=close if close is not True else None)

    async def _end(self, code: int, *, wait: bool = True) -> None:
        await self._cleanup()
        close = self.close(code=code)
        if wait:
            await close
        else:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(close, 1)
        raise StopConsumer()
