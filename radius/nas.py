"""Routers linked to a RADIUS server appear in its `nas` table with the shared secret."""

from __future__ import annotations

from radius.client import AgentClient
from radius.models import RadiusServer


def nas_clients(server: RadiusServer) -> list[dict]:
    """One NAS row per router using this server (the router's address, the server's secret)."""
    return [
        {"nasname": router.host, "shortname": router.name[:32], "type": "other",
         "secret": server.nas_secret}
        for router in server.routers.order_by("name")
    ]


def sync_nas(server: RadiusServer) -> int:
    """Replace the server's NAS rows with its current routers; returns how many."""
    client = AgentClient.for_server(server)
    try:
        clients = nas_clients(server) if server.is_active else []
        client.replace_nas(clients)
    finally:
        client.close()
    return len(clients)
