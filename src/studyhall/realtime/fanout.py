"""The process-wide hub between the channel layer and this process's sockets.

Each server process follows a stream's group on the channel layer once, not
once per socket: the layer carries one message per process and event, and
the hub hands it to the process's own sockets that follow the stream. A
frame is encoded once (the publisher already encodes an event's frame) and
every socket queues the same text; each socket keeps only the frames of the
streams its viewer may still follow (realtime.consumers), and drops a
stream's queued frames the moment access to it ends.

Control messages (access changed, session ended) name the person; the hub
follows that person's control group once and passes the message to each of
their local sockets, which re-check their session and subscriptions.

One heartbeat for the whole process pings every socket, drops the silent
ones and those whose send has waited too long on a client that stopped reading, renews the hub's group memberships (a restarted Redis forgets them)
once per group, and renews presence and access in batches of sockets per
database trip rather than one trip per socket; it also fills any gap a lost
fan-out left by comparing each stream's last sequence, read once per tick.

The hub lives on the event loop that serves the sockets (one per process
under uvicorn) and stops when its last socket leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import weakref
from collections import Counter
from typing import TYPE_CHECKING, Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from studyhall.realtime.access import control_group
from studyhall.realtime.registry import presence_hook
from studyhall.realtime.services import group_name

if TYPE_CHECKING:
    from studyhall.realtime.consumers import StreamConsumer

logger = logging.getLogger(__name__)

# Sockets renewed per database trip by the heartbeat.
RENEW_BATCH = 25
PING_TEXT = json.dumps({"type": "ping"})


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


class Hub:
    """Routes channel-layer messages to the sockets of one event loop."""

    def __init__(self) -> None:
        self.layer: Any = get_channel_layer()
        self.channel: str | None = None
        # Group name -> local sockets in it (stream groups and control groups).
        self.groups: dict[str, set[StreamConsumer]] = {}
        self.sockets: set[StreamConsumer] = set()
        self._joining: dict[str, asyncio.Future[None]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._start_lock = asyncio.Lock()
        # Counted for tests and the bench: channel-layer messages taken, and
        # frames the hub had to encode itself.
        self.received: Counter[str] = Counter()
        self.encoded = 0

    # --- sockets and groups ------------------------------------------------

    async def register(self, socket: StreamConsumer) -> None:
        """Add a socket; it follows its person's control group through the hub."""
        self.sockets.add(socket)
        await self._start()
        if socket.user_id:
            await self.join(control_group(socket.user_id), socket)

    async def unregister(self, socket: StreamConsumer) -> None:
        """Remove a socket from every group; stop the hub once none is left."""
        self.sockets.discard(socket)
        for group in [g for g, members in self.groups.items() if socket in members]:
            await self.leave(group, socket)
        if not self.sockets:
            self._stop()

    async def join(self, group: str, socket: StreamConsumer) -> None:
        """Deliver the group's messages to the socket; the process joins the
        group on the channel layer only for its first local member."""
        members = self.groups.get(group)
        if members is None:
            members = self.groups[group] = set()
            self._joining[group] = asyncio.ensure_future(
                self.layer.group_add(group, self.channel)
            )
        members.add(socket)
        pending = self._joining.get(group)
        if pending is not None:
            try:
                await asyncio.shield(pending)
            finally:
                if pending.done() and self._joining.get(group) is pending:
                    del self._joining[group]

    async def leave(self, group: str, socket: StreamConsumer) -> None:
        """Stop delivering the group's messages to the socket."""
        members = self.groups.get(group)
        if members is None:
            return
        members.discard(socket)
        if not members:
            del self.groups[group]
            with contextlib.suppress(Exception):
                await self.layer.group_discard(group, self.channel)

    # --- lifecycle ---------------------------------------------------------

    async def _start(self) -> None:
        async with self._start_lock:
            if self._tasks:
                return
            if self.channel is None:
                self.channel = await self.layer.new_channel("hub.")
            loop = asyncio.get_running_loop()
            self._tasks = [
                loop.create_task(self._receive()),
                loop.create_task(self._heartbeat()),
            ]
            # A restart after the last socket left: the layer forgot the channel.
            for group in list(self.groups):
                await self.layer.group_add(group, self.channel)

    def _stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        self._tasks = []

    # --- inbound from the channel layer ------------------------------------

    async def _receive(self) -> None:
        assert self.channel is not None
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Redis restarting: wait and go on; the heartbeat re-joins the
                # groups and fills from storage what was sent meanwhile.
                logger.warning("the hub could not read the channel layer; retrying")
                await asyncio.sleep(1)
                continue
            self.received[message.get("type", "")] += 1
            try:
                self.dispatch(message)
            except Exception:
                logger.exception("the hub could not route %r", message.get("type"))

    def dispatch(self, message: dict[str, Any]) -> None:
        """Hand one channel-layer message to the local sockets it concerns."""
        kind = message.get("type")
        if kind == "stream.event":
            self._event(message)
        elif kind == "stream.ephemeral":
            self._signal(message)
        elif isinstance(message.get("user"), int):
            # Control messages: each socket of the person handles it in turn.
            for socket in list(self.groups.get(control_group(message["user"]), ())):
                socket.control(message)

    def _event(self, message: dict[str, Any]) -> None:
        stream = message["stream"]
        members = self.groups.get(group_name(stream))
        if not members:
            return
        text = message.get("text")
        if text is None:
            self.encoded += 1
            text = json.dumps(
                {
                    "type": "event",
                    "stream": stream,
                    "sequence": message["sequence"],
                    "event": message["event"],
                    "payload": message["payload"],
                }
            )
        sequence = message["sequence"]
        for socket in list(members):
            socket.offer(stream, sequence, text)

    def _signal(self, message: dict[str, Any]) -> None:
        stream = message["stream"]
        members = self.groups.get(group_name(stream))
        if not members:
            return
        people = message.get("people", [])
        text: str | None = None
        for socket in list(members):
            if stream not in socket.streams:
                continue
            if socket.hidden and not socket.hidden.isdisjoint(people):
                # Someone blocked either way: this viewer gets its own copy.
                socket.offer_concealed(message)
                continue
            if text is None:
                self.encoded += 1
                text = json.dumps(
                    {
                        "type": "signal",
                        "stream": stream,
                        "event": message["event"],
                        "payload": message["payload"],
                    }
                )
            socket.push(stream, text)

    # --- the heartbeat -----------------------------------------------------

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(_setting("REALTIME_PING_SECONDS", 20))
            try:
                await self.beat()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("the heartbeat failed; trying again at the next ping")

    async def beat(self) -> None:
        """Ping every socket, drop silent ones, renew groups, access and presence."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        idle = _setting("REALTIME_IDLE_TIMEOUT_SECONDS", 40)
        send_timeout = _setting("REALTIME_SEND_TIMEOUT_SECONDS", 10)
        live = []
        for socket in list(self.sockets):
            if socket.stopping:
                continue
            since = getattr(socket, "sending_since", None)
            if since is not None and now - since > send_timeout:
                # The client stopped reading and the server's buffer is full.
                socket.too_slow()
            elif now - socket.last_heard > idle:
                # No frame (not even a pong) for too long: the peer is gone.
                socket.stop(socket.CLOSE_IDLE)
            else:
                socket.push(None, PING_TEXT)
                live.append(socket)
        # A restarted Redis forgets its groups: re-joining is idempotent, and
        # costs one call per group rather than one per socket.
        for group in list(self.groups):
            await self.layer.group_add(group, self.channel)
        recheck = _setting("REALTIME_RECHECK_SECONDS", 10)
        rows = []
        for socket in live:
            streams = list(socket.streams)
            due = [s for s in streams if now - socket.checked_at.get(s, 0) >= recheck]
            rows.append((socket, socket.scope.get("user"), streams, due))
        streams = sorted({s for row in rows for s in row[2]})
        latest = await database_sync_to_async(_current_sequences)(streams)
        for start in range(0, len(rows), RENEW_BATCH):
            batch = rows[start : start + RENEW_BATCH]
            denied = await database_sync_to_async(_renew)(
                [(user, socket.user_id, s, due) for socket, user, s, due in batch]
            )
            for (socket, _, _, due), lost in zip(batch, denied, strict=True):
                for stream in due:
                    socket.checked_at[stream] = now
                for stream in lost:
                    socket.forget(stream)
                    socket.inbox.put_nowait({"type": "stream.drop", "stream": stream})
        for socket in live:
            for stream, sequence in latest.items():
                last = socket.streams.get(stream)
                if last is not None and sequence > last:
                    socket.inbox.put_nowait(
                        {"type": "stream.catchup", "stream": stream}
                    )


def _current_sequences(streams: list[str]) -> dict[str, int]:
    from studyhall.realtime import selectors

    return selectors.current_sequences(streams)


def _renew(rows: list[tuple[Any, int | None, list[str], list[str]]]) -> list[list[str]]:
    """For each socket, check its due streams again and renew its presence;
    return the streams each may no longer follow. One database trip for the
    batch; one answer per person and stream."""
    from studyhall import policy
    from studyhall.realtime import selectors

    answers: dict[tuple[int | None, str], bool] = {}
    forgotten: set[int | None] = set()
    result = []
    for user, user_id, streams, due in rows:
        lost = []
        for stream in due:
            key = (user_id, stream)
            if key not in answers:
                if user_id not in forgotten:
                    policy.forget(user)
                    forgotten.add(user_id)
                answers[key] = selectors.can_follow(user, stream, fresh=False)
            if not answers[key]:
                lost.append(stream)
        if user_id is not None:
            for stream in streams:
                if stream in lost:
                    continue
                kind, _, ident = stream.partition(".")
                hook = presence_hook(kind)
                if hook is not None and ident.isdigit():
                    try:
                        hook(user, int(ident), True)
                    except Exception:
                        logger.exception("presence of %s on %s failed", user_id, stream)
        result.append(lost)
    return result


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = (
    weakref.WeakKeyDictionary()
)


def hub() -> Hub:
    """Return the hub of the running event loop, making it on first use."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None or found.layer is not get_channel_layer():
        if found is not None:  # the settings named another layer (tests)
            found._stop()
        found = _hubs[loop] = Hub()
    return found
