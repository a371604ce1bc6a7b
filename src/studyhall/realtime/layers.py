"""The in-process channel layer of the embedded default (`make run`).

Channels' own in-memory layer sweeps every queue and every group for expired
entries on each `receive` and `group_send`, and sends a group message to each
member in a task of its own with a deep copy per member. With a thousand
sockets in one room each event then costs about a million steps: every socket's
`receive` sweeps a thousand queues. This layer sweeps at most once a second and
puts one copy of a group message straight on every member's queue.

The members of a group share that copy, so a consumer must treat the messages
it receives as read-only (the stream consumer does). Production uses Redis
(channels-redis), where each process decodes its own.
"""

from __future__ import annotations

import asyncio
import time
from copy import deepcopy
from typing import Any

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer

SWEEP_SECONDS = 1.0


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
    """Channels' in-memory layer with a fan-out that costs one step per member."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._swept_at = 0.0

    def _clean_expired(self) -> None:
        # Messages live for `expiry` (60 s): sweeping once a second is plenty.
        now = time.monotonic()
        if now - self._swept_at < SWEEP_SECONDS:
            return
        self._swept_at = now
        super()._clean_expired()

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        members = self.groups.get(group)
        if not members:
            return
        # One copy, so a sender changing its dict afterwards changes nothing.
        item = (time.time() + self.expiry, deepcopy(message))
        for channel in list(members):
            queue = self.channels.get(channel)
            if queue is None:
                queue = self.channels[channel] = asyncio.Queue(
                    maxsize=self.get_capacity(channel)
                )
            try:
                queue.put_nowait(item)
            except asyncio.QueueFull:
                # A member that stopped receiving misses it, as with Channels'
                # layer; the stream consumer fills the gap from storage.
                continue
