"""Websockets end with the session they were opened in.

A websocket is authenticated once, when it connects; without this, a socket opened before
a logout kept receiving pushes after it. Each push consumer joins two groups: its
session's and its user's, and remembers the password hash its session was made with.

- A logout tells the session's group to close (sent before the session is flushed).
- A password change ends the user's other sessions (Django) and gives the current one a
  new key: the current session's group is told its new group (a hash of the new key, not
  the key) and its sockets take the new password hash; then the user's group is told to
  check: every socket whose password hash is not the current one closes.
"""

from __future__ import annotations

import hashlib

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import HASH_SESSION_KEY, get_user_model
from django.utils.crypto import constant_time_compare


def session_group(session_key: str) -> str:
    # Group names are ASCII and short; the session key itself is a secret: hash it.
    return "session-" + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def end_session_sockets(session_key: str | None) -> None:
    """Close every websocket opened in this session (at logout)."""
    if session_key:
        _send(session_group(session_key), {"type": "session.ended"})


def password_changed(user, old_session_key: str | None, new_session_key: str | None) -> None:
    """After a password change in the session now keyed `new_session_key`: that session's
    sockets follow it; every other socket of the user closes."""
    if old_session_key and new_session_key:
        _send(session_group(old_session_key), {
            "type": "session.renewed", "group": session_group(new_session_key)})
    _send(user_group(user.pk), {"type": "session.check"})


def current_auth_hash(user_id: int) -> str:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return user.get_session_auth_hash() if user is not None else ""


def auth_hash_current(user_id: int, auth_hash: str) -> bool:
    """The user is active and `auth_hash` is the hash of their current password."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return user is not None and constant_time_compare(auth_hash, user.get_session_auth_hash())


def connect_auth_hash(scope) -> str:
    """The password hash the socket's session was made with (checked at connect)."""
    session = scope.get("session")
    return (session.get(HASH_SESSION_KEY) if session is not None else None) or ""


def _send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


def on_logout(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    end_session_sockets(session.session_key if session is not None else None)
