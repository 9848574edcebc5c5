"""What a PPPoE subscriber becomes in FreeRADIUS's tables (beside vouchers' rows).

Pure functions shared by the agent (which writes the rows) and the product's sync
(which reads them back and compares). A subscriber's username may hold any printable
character a RouterOS PPP secret name may (quotes, $, spaces, non-ASCII): it is a SQL
parameter everywhere, never part of a statement.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re

from radius.attributes import (
    GIGAWORD,
    MAX_USERS_PER_REQUEST,
    PayloadError,
    clean_expiry,
    clean_items,
    clean_text,
    expiration,
)

MAC_RE = re.compile(r"^[0-9A-F]{2}(:[0-9A-F]{2}){5}$")
RATE_RE = re.compile(r"^[0-9A-Za-z/ ]{1,100}$")
POOL_RE = re.compile(r"^[^\x00-\x1f\x7f\"\\]{1,64}$")


def clean_subscriber(item) -> dict:
    if not isinstance(item, dict):
        raise PayloadError("each subscriber must be an object")
    username = clean_text(item, "username", limit=64, required=True)
    if username != username.strip():
        raise PayloadError("username must not begin or end with a space")
    rate = clean_text(item, "rate_limit", limit=100)
    if rate and not RATE_RE.match(rate):
        raise PayloadError("rate_limit must look like 2M/10M")
    ip = clean_text(item, "framed_ip", limit=15)
    if ip:
        try:
            ipaddress.IPv4Address(ip)
        except ValueError:
            raise PayloadError("framed_ip must be an IPv4 address") from None
    pool = clean_text(item, "framed_pool", limit=64)
    if pool and not POOL_RE.match(pool):
        raise PayloadError("framed_pool must be a pool name")
    mac = clean_text(item, "caller_id", limit=17).upper()
    if mac and not MAC_RE.match(mac):
        raise PayloadError("caller_id must be a MAC address like AA:BB:CC:DD:EE:FF")
    data = item.get("data_limit")
    if data is not None and (isinstance(data, bool) or not isinstance(data, int) or data < 1):
        raise PayloadError("data_limit must be a whole number >= 1 or null")
    since = item.get("data_since")
    if since is not None and (isinstance(since, bool) or not isinstance(since, int)
                              or not 0 <= since < 2**31):
        raise PayloadError("data_since must be a Unix time or null")
    reject = item.get("reject", False)
    if not isinstance(reject, bool):
        raise PayloadError("reject must be true or false")
    password = clean_text(item, "password", limit=128, required=True)
    return {"username": username, "password": password,
            "rate_limit": rate, "framed_ip": ip, "framed_pool": pool, "caller_id": mac,
            "data_limit": data, "data_since": since if data else None, "reject": reject,
            "expiry": clean_expiry(item.get("expiry"))}


def clean_batch(body) -> list[dict]:
    """{"subscribers": [...]}: any error refuses the whole request."""
    if not isinstance(body, dict) or not isinstance(body.get("subscribers"), list):
        raise PayloadError('body must be {"subscribers": [...]}')
    items = body["subscribers"]
    if not items or len(items) > MAX_USERS_PER_REQUEST:
        raise PayloadError(f"1 to {MAX_USERS_PER_REQUEST} subscribers per request")
    return clean_items(items, clean_subscriber, "subscribers")


def rows_for(item: dict) -> dict:
    """radcheck and radreply rows for one cleaned subscriber (sorted, as read back)."""
    check = [["Cleartext-Password", ":=", item["password"]],
             # PPPoE: one session per subscriber (needs accounting in SQL, shipped).
             ["Simultaneous-Use", ":=", "1"]]
    reply = []
    if item.get("reject"):
        # Suspended or expired: FreeRADIUS rejects before any password check.
        check.append(["Auth-Type", ":=", "Reject"])
    if item.get("caller_id"):
        check.append(["Calling-Station-Id", "==", item["caller_id"]])
    if item.get("expiry"):
        check.append(["Expiration", ":=", expiration(dt.datetime.fromisoformat(item["expiry"]))])
    if item.get("rate_limit"):
        reply.append(["Mikrotik-Rate-Limit", ":=", item["rate_limit"]])
    if item.get("framed_ip"):
        reply.append(["Framed-IP-Address", ":=", item["framed_ip"]])
    elif item.get("framed_pool"):
        reply.append(["Framed-Pool", ":=", item["framed_pool"]])
    if item.get("data_limit"):
        # The quota across the period's sessions: the shipped configuration's hotspot_data
        # policy counts radacct since Hotspot-Data-Since and replies what is left.
        check.append(["Hotspot-Data-Limit", ":=", str(item["data_limit"])])
        if item.get("data_since") is not None:
            check.append(["Hotspot-Data-Since", ":=", str(item["data_since"])])
        # The whole quota per session, for a server without that policy (above 4 GiB the
        # high part goes in the Gigawords companion, or 5 GiB would silently become 1 GiB).
        high, low = divmod(item["data_limit"], GIGAWORD)
        reply.append(["Mikrotik-Total-Limit", ":=", str(low)])
        if high:
            reply.append(["Mikrotik-Total-Limit-Gigawords", ":=", str(high)])
    return {"check": sorted(check), "reply": sorted(reply), "groups": []}
