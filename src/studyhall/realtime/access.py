"""Tell a person's open sockets that their access may have changed.

Every socket of a signed-in person also listens on that person's control
group. When a membership, a room, the account (password, deactivation) or a
session changes, a message on that group makes each socket check its session
and every subscription again at once, instead of waiting for the next event.
Apps whose changes end access (room removal, bans, group removal) call
`notify_access_changed`; membership, account and logout changes are caught
here through Django's signals, as plumbing rather than domain steps.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from studyhall.communities.models import Membership

logger = logging.getLogger(__name__)


def control_group(user_id: int) -> str:
    """Return the channel-layer group every socket of the person listens on."""
    return f"control-user-{user_id}"


def notify_access_changed(user_id: int | None) -> None:
    """Make the person's sockets re-check their session and subscriptions.

    Sends once the current transaction commits, so sockets see the change.
    """
    if not user_id:
        return
    transaction.on_commit(lambda: _send(user_id))


def _send(user_id: int) -> None:
    layer = get_channel_layer()
    if layer is None:  # pragma: no cover - a channel layer is always configured
        return
    try:
        async_to_sync(layer.group_send)(
            control_group(user_id), {"type": "access.changed", "user": user_id}
        )
    except Exception:
        logger.exception("could not tell sockets of %s that access changed", user_id)


def _membership_changed(sender: Any, instance: Membership, **kwargs: Any) -> None:
    notify_access_changed(instance.user_id)


def _account_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    notify_access_changed(instance.pk)


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The session is flushed just after this signal: name it, so its sockets
    # close without racing the flush.
    user_id = getattr(user, "pk", None)
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if not user_id:
        return
    layer = get_channel_layer()
    if layer is None:  # pragma: no cover - a channel layer is always configured
        return
    try:
        async_to_sync(layer.group_send)(
            control_group(user_id),
            {"type": "session.ended", "user": user_id, "session": session_key or ""},
        )
    except Exception:
        logger.exception("could not close the sockets of a logged-out session")


def connect_signals() -> None:
    """Connect the signals that end access; called once from RealtimeConfig.ready()."""
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="rt-m-s")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="rt-m-d")
    post_save.connect(
        _account_changed, sender=get_user_model(), dispatch_uid="rt-user-save"
    )
    user_logged_out.connect(_logged_out, dispatch_uid="rt-logout")
