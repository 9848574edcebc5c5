"""The one publisher of live updates.

Callers persist state first, then `publish()` a partial to Channels groups:

    events.publish("fleet/partials/drift.html", context, events.router_group(org, pk))

The partial is rendered now (with `oob` set: a push always swaps out of band) and sent
after the transaction commits, so a browser never sees a state the database rolled
back. Delivery is at most once: pages opened late read the database, not the websocket.
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


def jobs_group(org_id: int) -> str:
    return f"org{org_id}.jobs"


def publish(template: str, context: dict, *groups: str) -> None:
    """Render `template` and send it to every group once the current transaction commits."""
    html = render_to_string(template, {**context, "oob": True})
    transaction.on_commit(lambda: _send(groups, html))


def _send(groups, html: str) -> None:
    layer = get_channel_layer()
    for group in groups:
        try:
            async_to_sync(layer.group_send)(group, {"type": "html.push", "html": html})
        except Exception:  # a lost push must never fail the job: pages fall back to polling
            log.warning("live update to %s not delivered", group, exc_info=True)
