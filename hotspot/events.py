"""The one publisher of live updates.

Callers persist state first, then `push()` a rendered partial to a Channels
group. Sending happens after the transaction commits, so a browser never sees a
state the database rolled back. Delivery is at most once: pages opened late read
the database, not the websocket.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.template.loader import render_to_string

log = logging.getLogger(__name__)


def router_group(org_id: int, router_id: int) -> str:
    return f"org{org_id}.router{router_id}"


def routers_group(org_id: int) -> str:
    return f"org{org_id}.routers"


def batch_group(org_id: int, batch_id: int) -> str:
    return f"org{org_id}.batch{batch_id}"


def send_now(group: str, html: str) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(group, {"type": "html.push", "html": html})
    except Exception:  # a lost push must never fail the job: pages fall back to polling
        log.warning("live update to %s not delivered", group, exc_info=True)


def render_partial(template: str, context: dict) -> str:
    return render_to_string(template, context)


def push(group: str, template: str, context: dict) -> None:
    """Render `template` and send it to `group` once the current transaction commits."""
    html = render_to_string(template, context)
    transaction.on_commit(lambda: send_now(group, html))


def push_html(group: str, html: str) -> None:
    transaction.on_commit(lambda: send_now(group, html))
