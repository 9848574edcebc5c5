"""Disconnect-Request and CoA-Request (RFC 5176), sent by the agent to a router.

The agent runs next to FreeRADIUS, so the request leaves from the RADIUS server's address,
the one the router lists in its `/radius` menu: RouterOS takes Disconnect/CoA only from a
configured RADIUS server, signed with that server's secret (`/radius incoming`). The secret
comes from the scope's NAS row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pyrad import packet
from pyrad.client import Client, Timeout
from pyrad.dictionary import Dictionary

DICTIONARY = Path(__file__).with_name("dictionary")
KINDS = {"disconnect": packet.DisconnectRequest, "coa": packet.CoARequest}
ACKS = {packet.DisconnectACK: "Disconnect-ACK", packet.CoAACK: "CoA-ACK"}
NAKS = {packet.DisconnectNAK: "Disconnect-NAK", packet.CoANAK: "CoA-NAK"}
ATTRIBUTES = ("User-Name", "Acct-Session-Id", "Framed-IP-Address", "Calling-Station-Id",
              "Session-Timeout", "Mikrotik-Rate-Limit")


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    return Dictionary(str(DICTIONARY))


@dataclass
class Answer:
    answer: str  # "Disconnect-ACK", "Disconnect-NAK", "CoA-ACK", "CoA-NAK", "no answer"
    error_cause: str = ""

    @property
    def acked(self) -> bool:
        return self.answer.endswith("-ACK")

    def describe(self) -> str:
        return f"{self.answer} ({self.error_cause})" if self.error_cause else self.answer


def send(address: str, port: int, secret: str, kind: str, attributes: dict,
         timeout: float = 2.0, retries: int = 2) -> Answer:
    """Send one Disconnect- or CoA-Request and wait for the router's answer."""
    client = Client(server=address, coaport=port, secret=secret.encode(), dict=dictionary())
    client.timeout, client.retries = timeout, retries
    request = client.CreateCoAPacket(code=KINDS[kind])
    for key in ATTRIBUTES:
        if attributes.get(key) not in (None, ""):
            request[key] = attributes[key]
    try:
        reply = client.SendPacket(request)
    except Timeout:
        return Answer("no answer")
    except OSError as exc:  # unreachable network, refused port (ICMP)
        return Answer("no answer", str(exc))
    finally:
        client._CloseSocket()
    if reply.code in ACKS:
        return Answer(ACKS[reply.code])
    cause = reply.get("Error-Cause") or []
    return Answer(NAKS.get(reply.code, f"code {reply.code}"), str(cause[0]) if cause else "")
