"""A simulated router as a RADIUS NAS: hotspot and PPPoE clients log in, use, and leave.

What it does, and where RouterOS's behaviour comes from:

- **Login.** A client logs in to the router's first enabled hotspot server (or PPPoE
  server). The router asks the RADIUS servers of its `/radius` menu whose `service` has
  `hotspot` (or `ppp`), in order, each with its secret, its authentication port and its
  `timeout`; a server that does not answer is skipped for the next. The Access-Request
  carries User-Name, the password (CHAP when the hotspot profile's login-by has
  http-chap, else PAP), NAS-Identifier (the identity), NAS-IP-Address, NAS-Port and
  Acct-Session-Id (the session's number), NAS-Port-Type (the hotspot profile's
  nas-port-type; Ethernet for PPPoE), Calling-Station-Id (the client's MAC in capitals),
  Called-Station-Id (the hotspot server's name; the PPPoE service name), NAS-Port-Id (the
  interface), Framed-IP-Address and Mikrotik-Host-IP (hotspot), Service-Type Framed and
  Framed-Protocol PPP (PPP only), and Message-Authenticator; with require-message-auth=
  yes-for-request-resp (the default since RouterOS 7.15, against Blast-RADIUS) an answer
  without a valid Message-Authenticator is dropped as if never sent. Source: RouterOS manual, RADIUS Client, "Access-Request"
  (v2.9/v3 manuals; help.mikrotik.com "RADIUS").
- **Reply.** Access-Accept creates the row in `/ip hotspot active` or `/ppp active` with
  the replied Session-Timeout (session-time-left), Idle-Timeout, Mikrotik-Rate-Limit,
  and Mikrotik-Total-Limit with its Gigawords (limit-bytes-total); Access-Reject's
  Reply-Message is what the client sees. Source: same manual, "Access-Accept".
- **Accounting** (hotspot profile radius-accounting=yes; `/ppp aaa accounting=yes`):
  Start after login; Interim-Update every interval (the hotspot profile's
  radius-interim-update, or the replied Acct-Interim-Interval when it says "received";
  for PPP the reply's, else `/ppp aaa interim-update`); Stop at the end with
  Acct-Terminate-Cause. Interim and Stop carry Acct-Session-Time, Acct-Input-Octets/
  -Gigawords (from the client), Acct-Output-Octets/-Gigawords (to the client), packets,
  and Class as received. Source: manual, "Accounting-Request", "Stop Accounting-Request".
- **End.** At Session-Timeout (cause Session-Timeout), when bytes in + out reach the total
  limit (Session-Timeout: the RFC 2866 cause for a time or traffic quota, as NASes report
  it), when the client logs out (User-Request), when an administrator removes the row
  from the active list (Admin-Reset) or a Disconnect-Request arrives (Admin-Reset).
- **Disconnect and CoA** (`/radius incoming accept=yes`, its `port`, 3799 by default since
  RouterOS 6; help.mikrotik.com "RADIUS", "Connection Terminating from RADIUS"): a request
  from the address of a `/radius` entry, signed with its secret (RFC 5176 section 3.3:
  anything else is dropped unanswered), is matched to sessions by User-Name,
  Acct-Session-Id, Framed-IP-Address and Calling-Station-Id (all those given must match).
  Disconnect: the sessions end and Disconnect-ACK is answered; CoA: Session-Timeout,
  Mikrotik-Rate-Limit and Mikrotik-Total-Limit are applied and CoA-ACK answered. No such
  session: NAK with Error-Cause 503 Session-Context-Not-Found (RFC 5176 section 3.5).

Time is the clients': a session's time and traffic move when a test (or the routersim
clock) advances them, so an hour's use takes no hour. Faults: `ack_without_disconnect`
answers Disconnect-ACK and leaves the session online (what peers' users report);
`ignore_incoming` drops Disconnect/CoA unanswered.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import ipaddress
import logging
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from pyrad import packet
from pyrad.dictionary import Dictionary

log = logging.getLogger(__name__)

DICTIONARY_PATH = Path(__file__).with_name("radius.dictionary")
GIGAWORD = 2**32
HOTSPOT, PPP = "hotspot", "ppp"
PORT_TYPES = {"wireless-802.11": "Wireless-802.11", "ethernet": "Ethernet", "cable": "Cable"}
ATTEMPTS = 3  # per server, before the next one


_dictionary: Dictionary | None = None


def dictionary() -> Dictionary:
    global _dictionary
    if _dictionary is None:
        _dictionary = Dictionary(str(DICTIONARY_PATH))
    return _dictionary


def parse_time(text: str) -> float:
    """RouterOS durations: "300ms", "5m", "1h30m", "1d", "00:05:00", "0s"."""
    text = (text or "").strip()
    if not text or text in ("none", "received"):
        return 0.0
    if ":" in text:
        parts = [float(p) for p in text.split(":")]
        return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    total, number = 0.0, ""
    units = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isdigit() or ch == ".":
            number += ch
        elif text.startswith("ms", i):
            total += float(number or 0) / 1000
            number = ""
            i += 1
        elif ch in units:
            total += float(number or 0) * units[ch]
            number = ""
        i += 1
    return total + float(number or 0)


def format_uptime(seconds: float) -> str:
    seconds = int(seconds)
    out = ""
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            out += f"{seconds // size}{unit}"
            seconds %= size
    return out + (f"{seconds}s" if seconds or not out else "")


@dataclass
class LoginResult:
    accepted: bool
    message: str = ""
    reply: dict = field(default_factory=dict)
    session_id: str | None = None
    server: str | None = None  # the RADIUS server that answered


@dataclass
class ClientSession:
    kind: str
    user: str
    mac: str
    address: str
    number: int
    server_name: str  # hotspot server / PPPoE service
    interface: str
    radius: tuple[str, int, bytes] | None  # accounting server: address, port, secret
    started: float = field(default_factory=time.time)
    seconds: float = 0.0
    bytes_in: int = 0
    bytes_out: int = 0
    session_timeout: int | None = None
    idle_timeout: int | None = None
    total_limit: int | None = None
    rate_limit: str = ""
    interim: float = 0.0
    next_interim: float = 0.0
    klass: bytes | None = None
    accounting: bool = True
    row_id: str | None = None
    ended: str | None = None

    @property
    def session_id(self) -> str:
        return f"{self.number:08x}"

    @property
    def menu(self) -> str:
        return "/ip/hotspot/active" if self.kind == HOTSPOT else "/ppp/active"

    def row(self) -> dict[str, str]:
        if self.kind == HOTSPOT:
            left = (format_uptime(max(self.session_timeout - self.seconds, 0))
                    if self.session_timeout else "")
            row = {"server": self.server_name, "user": self.user, "domain": "",
                   "address": self.address, "mac-address": self.mac, "login-by": "http-chap",
                   "uptime": format_uptime(self.seconds), "idle-time": "0s",
                   "session-time-left": left, "idle-timeout": "", "keepalive-timeout": "2m",
                   "bytes-in": str(self.bytes_in), "bytes-out": str(self.bytes_out),
                   "packets-in": str(self.bytes_in // 1000),
                   "packets-out": str(self.bytes_out // 1000), "radius": "true",
                   "limit-bytes-total": str(self.total_limit or "")}
        else:
            row = {"name": self.user, "service": "pppoe", "caller-id": self.mac,
                   "address": self.address, "uptime": format_uptime(self.seconds),
                   "encoding": "", "session-id": f"0x{self.number:08X}", "radius": "true",
                   "limit-bytes-in": "0", "limit-bytes-out": "0"}
        return {k: v for k, v in row.items() if v != "" or k in ("domain",)}


class _Datagrams(asyncio.DatagramProtocol):
    def __init__(self, handler) -> None:
        self.handler = handler
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        self.handler(data, addr)

    def error_received(self, exc) -> None:  # ICMP port unreachable: the request times out
        log.debug("nas: %s", exc)


class Nas:
    """The NAS side of one simulated router (SimRouter); lives on the simulator's loop."""

    def __init__(self, router) -> None:
        self.router = router
        self.state = router.state
        self.sessions: dict[int, ClientSession] = {}
        self._number = 0x80000000 + secrets.randbelow(0x100000)
        self._client: _Datagrams | None = None
        self._pending: dict[tuple, asyncio.Future] = {}
        self._ids: dict[tuple, int] = {}
        self._incoming: _Datagrams | None = None
        self._incoming_port: int | None = None
        self._incoming_lock = asyncio.Lock()
        self._clock: asyncio.Task | None = None
        self._tasks: set[asyncio.Task] = set()
        self.ack_without_disconnect = False
        self.ignore_incoming = False
        self.received: list[tuple[str, dict]] = []  # Disconnect/CoA requests seen (tests)
        self.state.nas = self

    # -- configuration read from the router's menus --------------------------------------
    def _radius_servers(self, service: str) -> list[dict[str, str]]:
        rows = self.state.table("/radius").rows.values()
        return [r for r in rows if r.get("disabled") != "true"
                and service in [s.strip() for s in r.get("service", "").split(",")]]

    def _hotspot(self, name: str | None) -> tuple[dict, dict] | None:
        servers = [r for r in self.state.table("/ip/hotspot").rows.values()
                   if r.get("disabled") != "true" and (name is None or r.get("name") == name)]
        if not servers:
            return None
        server = servers[0]
        profiles = self.state.table("/ip/hotspot/profile")
        pid = profiles.by_key(server.get("profile", "default"))
        return server, (profiles.rows[pid] if pid else {})

    def _pppoe(self, service: str | None) -> dict | None:
        rows = [r for r in self.state.table("/interface/pppoe-server/server").rows.values()
                if r.get("disabled") != "true"
                and (service is None or r.get("service-name") == service)]
        return rows[0] if rows else None

    def _nas_address(self) -> str:
        try:
            return str(ipaddress.ip_address(self.router.host))
        except ValueError:
            return "127.0.0.1"

    # -- the UDP client side -------------------------------------------------------------
    async def _socket(self) -> _Datagrams:
        if self._client is None:
            loop = asyncio.get_running_loop()
            _, proto = await loop.create_datagram_endpoint(
                lambda: _Datagrams(self._answer), local_addr=(self._nas_address(), 0))
            self._client = proto
        return self._client

    def _answer(self, data: bytes, addr) -> None:
        if len(data) < 20:
            return
        future = self._pending.get((addr[0], addr[1], data[1]))
        if future is not None and not future.done():
            future.set_result(data)

    def _next_id(self, key: tuple) -> int:
        self._ids[key] = (self._ids.get(key, secrets.randbelow(256)) + 1) % 256
        return self._ids[key]

    async def _exchange(self, request: packet.Packet, address: str, port: int,
                        timeout: float, require_ma: bool = False) -> packet.Packet | None:
        """Send a request, wait for its verified reply; None when the server stays silent.

        With `require_ma` an answer without a valid Message-Authenticator is dropped, as
        RouterOS 7.15+ does with require-message-auth=yes-for-request-resp (the default)."""
        sock = await self._socket()
        request.id = self._next_id((address, port))
        raw = request.RequestPacket()
        key = (address, port, request.id)
        for _ in range(ATTEMPTS):
            future = asyncio.get_running_loop().create_future()
            self._pending[key] = future
            sock.transport.sendto(raw, (address, port))
            try:
                data = await asyncio.wait_for(future, timeout)
            except TimeoutError:
                continue
            finally:
                self._pending.pop(key, None)
            try:
                reply = request.CreateReply(packet=data)
            except packet.PacketError:
                continue
            if request.VerifyReply(reply, data, enforce_ma=require_ma):
                return reply
        return None

    # -- clients -------------------------------------------------------------------------
    async def login(self, user: str, password: str, mac: str, *, kind: str = HOTSPOT,
                    address: str | None = None, server: str | None = None) -> LoginResult:
        """A client logs in; on Access-Accept its session starts (and Accounting Start)."""
        mac = mac.upper()
        if kind == HOTSPOT:
            found = self._hotspot(server)
            if found is None:
                return LoginResult(False, "no hotspot server is enabled")
            hs, profile = found
            if profile.get("use-radius") not in ("yes", "true"):
                return LoginResult(False, "invalid username or password")  # local users only
            server_name, interface = hs.get("name", "hotspot1"), hs.get("interface", "")
            chap = "http-chap" in profile.get("login-by", "")
            port_type = PORT_TYPES.get(profile.get("nas-port-type", "wireless-802.11"),
                                       "Wireless-802.11")
            accounting = profile.get("radius-accounting", "true") in ("yes", "true")
            interim_setting = profile.get("radius-interim-update", "received")
        else:
            pppoe = self._pppoe(server)
            aaa = self.state.singleton("/ppp/aaa")
            if pppoe is None:
                return LoginResult(False, "no PPPoE server is enabled")
            if aaa.get("use-radius") not in ("yes", "true"):
                return LoginResult(False, "authentication failed")
            server_name, interface = pppoe.get("service-name", ""), pppoe.get("interface", "")
            chap, port_type = True, "Ethernet"
            accounting = aaa.get("accounting", "true") in ("yes", "true")
            interim_setting = aaa.get("interim-update", "0s")
        self._number += 1
        number = self._number
        address = address or f"10.5.50.{2 + number % 250}"
        attributes = {
            "User-Name": user, "NAS-Identifier": self.state.identity,
            "NAS-IP-Address": self._nas_address(), "NAS-Port": number & 0x7FFFFFFF,
            "Acct-Session-Id": f"{number:08x}", "NAS-Port-Type": port_type,
            "Calling-Station-Id": mac, "Called-Station-Id": server_name,
        }
        if interface:
            attributes["NAS-Port-Id"] = interface
        if kind == HOTSPOT:
            attributes["Framed-IP-Address"] = address
            attributes["Mikrotik-Host-IP"] = address
        else:
            attributes["Service-Type"] = "Framed-User"
            attributes["Framed-Protocol"] = "PPP"
        service = HOTSPOT if kind == HOTSPOT else PPP
        servers = self._radius_servers(service)
        if not servers:
            return LoginResult(False, "RADIUS server is not configured")
        for entry in servers:
            secret = entry.get("secret", "").encode()
            target = entry.get("address", "")
            require_ma = entry.get("require-message-auth", "yes-for-request-resp") != "no"
            request = packet.AuthPacket(code=packet.AccessRequest, secret=secret,
                                        dict=dictionary(), message_authenticator=require_ma)
            for key, value in attributes.items():
                request[key] = value
            if chap:
                challenge = secrets.token_bytes(16)
                chap_id = secrets.randbelow(256)
                request["CHAP-Challenge"] = challenge
                request["CHAP-Password"] = bytes([chap_id]) + hashlib.md5(
                    bytes([chap_id]) + password.encode() + challenge).digest()
            else:
                request["User-Password"] = request.PwCrypt(password)
            reply = await self._exchange(
                request, target, int(entry.get("authentication-port", "1812")),
                max(parse_time(entry.get("timeout", "300ms")), 0.05), require_ma)
            if reply is None:
                continue  # RADIUS server timed out: the next one
            message = "".join(reply.get("Reply-Message", []))
            if reply.code != packet.AccessAccept:
                return LoginResult(False, message or "invalid username or password",
                                   _plain(reply), server=target)
            session = self._start(kind, user, mac, address, number, server_name, interface,
                                  entry, reply, accounting, interim_setting)
            if accounting:
                await self._account(session, "Start")
            return LoginResult(True, message, _plain(reply), session.session_id, target)
        return LoginResult(False, "RADIUS server is not responding")

    def _start(self, kind, user, mac, address, number, server_name, interface, entry, reply,
               accounting, interim_setting) -> ClientSession:
        def one(name):
            values = reply.get(name) or []
            return values[0] if values else None

        total = one("Mikrotik-Total-Limit")
        if total is not None:
            total += (one("Mikrotik-Total-Limit-Gigawords") or 0) * GIGAWORD
        if kind == HOTSPOT:
            interim = (one("Acct-Interim-Interval") or 0) if interim_setting == "received" \
                else parse_time(interim_setting)
        else:
            interim = one("Acct-Interim-Interval") or parse_time(interim_setting)
        if kind == PPP and one("Framed-IP-Address"):
            address = one("Framed-IP-Address")
        session = ClientSession(
            kind=kind, user=user, mac=mac, address=address, number=number,
            server_name=server_name, interface=interface,
            radius=(entry.get("address", ""), int(entry.get("accounting-port", "1813")),
                    entry.get("secret", "").encode()),
            session_timeout=one("Session-Timeout"), idle_timeout=one("Idle-Timeout"),
            total_limit=total, rate_limit=one("Mikrotik-Rate-Limit") or "",
            interim=float(interim or 0), klass=one("Class"), accounting=accounting)
        session.next_interim = session.interim
        session.row_id = self.state.table(session.menu).insert(session.row())
        self.sessions[number] = session
        return session

    async def _account(self, session: ClientSession, status: str, cause: str | None = None):
        if not session.accounting or session.radius is None:
            return None
        address, port, secret = session.radius
        request = packet.AcctPacket(code=packet.AccountingRequest, secret=secret,
                                    dict=dictionary())
        request["Acct-Status-Type"] = status
        request["User-Name"] = session.user
        request["Acct-Session-Id"] = session.session_id
        request["NAS-Identifier"] = self.state.identity
        request["NAS-IP-Address"] = self._nas_address()
        request["NAS-Port"] = session.number & 0x7FFFFFFF
        request["NAS-Port-Type"] = "Wireless-802.11" if session.kind == HOTSPOT else "Ethernet"
        request["Calling-Station-Id"] = session.mac
        request["Called-Station-Id"] = session.server_name
        if session.interface:
            request["NAS-Port-Id"] = session.interface
        request["Framed-IP-Address"] = session.address
        request["Acct-Authentic"] = "RADIUS"
        request["Acct-Delay-Time"] = 0
        if session.kind == PPP:
            request["Service-Type"] = "Framed-User"
            request["Framed-Protocol"] = "PPP"
        if session.klass is not None:
            request["Class"] = session.klass
        if status != "Start":
            request["Acct-Session-Time"] = round(session.seconds)
            request["Acct-Input-Octets"] = session.bytes_in % GIGAWORD
            request["Acct-Input-Gigawords"] = session.bytes_in // GIGAWORD
            request["Acct-Output-Octets"] = session.bytes_out % GIGAWORD
            request["Acct-Output-Gigawords"] = session.bytes_out // GIGAWORD
            request["Acct-Input-Packets"] = (session.bytes_in // 1000) % GIGAWORD
            request["Acct-Output-Packets"] = (session.bytes_out // 1000) % GIGAWORD
        if cause:
            request["Acct-Terminate-Cause"] = cause
        return await self._exchange(request, address, port, 1.0)

    def find(self, user: str | None = None, mac: str | None = None,
             session_id: str | None = None, address: str | None = None) -> list[ClientSession]:
        return [s for s in self.sessions.values()
                if (user is None or s.user == user) and (mac is None or s.mac == mac.upper())
                and (session_id is None or s.session_id == session_id.lower())
                and (address is None or s.address == address)]

    async def advance(self, seconds: float = 0, bytes_in: int = 0, bytes_out: int = 0,
                      user: str | None = None) -> list[ClientSession]:
        """Sessions (one user's, or all) use `seconds` of time and this traffic: interim
        updates go out as intervals pass; sessions reaching a limit end. Returns those that
        ended."""
        ended = []
        for session in list(self.find(user)):
            if await self._use(session, seconds, bytes_in, bytes_out):
                ended.append(session)
        return ended

    async def _use(self, session: ClientSession, seconds: float, bytes_in: int,
                   bytes_out: int) -> bool:
        # In steps no longer than the interim interval, traffic spread evenly over time.
        steps = 1
        if session.interim and seconds > session.interim:
            steps = int(seconds // session.interim) + 1
        for step in range(steps):
            share = 1 / steps
            session.seconds += seconds * share
            session.bytes_in += round(bytes_in * share) if step < steps - 1 else \
                bytes_in - round(bytes_in * share) * (steps - 1)
            session.bytes_out += round(bytes_out * share) if step < steps - 1 else \
                bytes_out - round(bytes_out * share) * (steps - 1)
            cause = None
            if session.session_timeout and session.seconds >= session.session_timeout:
                session.seconds = float(session.session_timeout)
                cause = "Session-Timeout"
            total = session.bytes_in + session.bytes_out
            if session.total_limit and total >= session.total_limit:
                over = total - session.total_limit
                cut = min(over, session.bytes_out)
                session.bytes_out -= cut
                session.bytes_in -= over - cut
                cause = cause or "Session-Timeout"
            if cause:
                await self.end(session, cause)
                return True
            self._refresh_row(session)
            if session.interim and session.seconds >= session.next_interim:
                while session.next_interim <= session.seconds:
                    session.next_interim += session.interim
                await self._account(session, "Interim-Update")
        return False

    def _refresh_row(self, session: ClientSession) -> None:
        table = self.state.table(session.menu)
        if session.row_id in table.rows:
            table.rows[session.row_id].update(session.row())

    async def end(self, session: ClientSession, cause: str = "User-Request", *,
                  remove_row: bool = True, send_stop: bool = True) -> None:
        """End a session: its active row goes, Accounting Stop is sent with `cause`."""
        if session.ended:
            return
        session.ended = cause
        self.sessions.pop(session.number, None)
        if remove_row:
            self.state.table(session.menu).rows.pop(session.row_id, None)
        if send_stop:
            await self._account(session, "Stop", cause)

    async def logout(self, user: str | None = None, mac: str | None = None) -> int:
        found = self.find(user, mac)
        for session in found:
            await self.end(session, "User-Request")
        return len(found)

    async def vanish(self, user: str | None = None, mac: str | None = None) -> int:
        """Sessions gone from the router without a Stop reaching RADIUS (a lost packet, a
        reboot, a power cut): what leaves zombie sessions in accounting."""
        found = self.find(user, mac)
        for session in found:
            await self.end(session, "Lost-Carrier", send_stop=False)
        return len(found)

    def removed(self, menu: str, row: dict) -> None:
        """An active row was removed through the API or the terminal (engine hook)."""
        for session in list(self.sessions.values()):
            if session.menu == menu and session.row_id is not None and \
                    session.row_id not in self.state.table(menu).rows:
                self._spawn(self.end(session, "Admin-Reset", remove_row=False))

    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- Disconnect and CoA (RFC 5176) -----------------------------------------------------
    def incoming_changed(self) -> None:
        """`/radius incoming` was set (engine hook): listen, move, or stop listening."""
        self._spawn(self.listen_incoming())

    async def listen_incoming(self) -> int | None:
        async with self._incoming_lock:
            return await self._listen_incoming()

    async def _listen_incoming(self) -> int | None:
        settings = self.state.singleton("/radius/incoming")
        wanted = int(settings.get("port", "3799")) \
            if settings.get("accept") in ("yes", "true") else None
        if wanted == self._incoming_port and (wanted is None or self._incoming is not None):
            return wanted
        if self._incoming is not None:
            self._incoming.transport.close()
            self._incoming, self._incoming_port = None, None
        if wanted is not None:
            loop = asyncio.get_running_loop()
            _, self._incoming = await loop.create_datagram_endpoint(
                lambda: _Datagrams(self._incoming_request), local_addr=(self._nas_address(),
                                                                        wanted))
            self._incoming_port = wanted
        return self._incoming_port

    def _incoming_request(self, data: bytes, addr) -> None:
        self._spawn(self._handle_incoming(data, addr))

    async def _handle_incoming(self, data: bytes, addr) -> None:
        if self.ignore_incoming or len(data) < 20:
            return
        entries = [r for r in self.state.table("/radius").rows.values()
                   if r.get("address") == addr[0] and r.get("disabled") != "true"]
        for entry in entries:
            try:
                request = packet.CoAPacket(packet=data, secret=entry.get("secret", "").encode(),
                                           dict=dictionary())
            except packet.PacketError:
                return
            if request.code not in (packet.DisconnectRequest, packet.CoARequest):
                return
            if request.VerifyCoARequest():
                break
        else:
            return  # not from a configured RADIUS server, or not its secret: dropped
        wanted = {
            "user": _first(request, "User-Name"),
            "session_id": _first(request, "Acct-Session-Id"),
            "address": _first(request, "Framed-IP-Address"),
            "mac": _first(request, "Calling-Station-Id"),
        }
        kind = "disconnect" if request.code == packet.DisconnectRequest else "coa"
        self.received.append((kind, {k: v for k, v in wanted.items() if v is not None}))
        reply = request.CreateReply()
        if all(v is None for v in wanted.values()):
            reply.code = packet.DisconnectNAK if kind == "disconnect" else packet.CoANAK
            reply["Error-Cause"] = "Missing-Attribute"
        else:
            found = self.find(**wanted)
            if not found:
                reply.code = packet.DisconnectNAK if kind == "disconnect" else packet.CoANAK
                reply["Error-Cause"] = "Session-Context-Not-Found"
            elif kind == "disconnect":
                if not self.ack_without_disconnect:
                    for session in found:
                        await self.end(session, "Admin-Reset")
            else:
                for session in found:
                    self._change(session, request)
        self._incoming.transport.sendto(reply.ReplyPacket(), addr)

    def _change(self, session: ClientSession, request: packet.Packet) -> None:
        timeout = _first(request, "Session-Timeout")
        if timeout is not None:
            session.session_timeout = int(session.seconds) + timeout
        rate = _first(request, "Mikrotik-Rate-Limit")
        if rate is not None:
            session.rate_limit = rate
        total = _first(request, "Mikrotik-Total-Limit")
        if total is not None:
            total += (_first(request, "Mikrotik-Total-Limit-Gigawords") or 0) * GIGAWORD
            session.total_limit = session.bytes_in + session.bytes_out + total
        self._refresh_row(session)

    # -- a clock for demos (routersim client) -------------------------------------------
    def run_clock(self, speed: float = 1.0, bytes_per_second: int = 0) -> None:
        """Advance every session by `speed` seconds each second, with this much traffic."""
        async def tick():
            while True:
                await asyncio.sleep(1)
                half = int(bytes_per_second * speed / 2)
                await self.advance(speed, half, bytes_per_second * int(speed) - half)

        if self._clock is None:
            self._clock = asyncio.ensure_future(tick())

    async def close(self) -> None:
        if self._clock is not None:
            self._clock.cancel()
            self._clock = None
        for task in list(self._tasks):
            task.cancel()
        for proto in (self._client, self._incoming):
            if proto is not None and proto.transport is not None:
                proto.transport.close()
        self._client = self._incoming = None
        self._incoming_port = None
        if getattr(self.state, "nas", None) is self:
            self.state.nas = None


def _first(pkt: packet.Packet, name: str):
    with contextlib.suppress(KeyError):
        values = pkt[name]
        return values[0] if values else None
    return None


def _plain(reply: packet.Packet) -> dict:
    """A reply's attributes as {name: value or [values]}, for tests and the command line."""
    out = {}
    for key in reply.keys():
        if isinstance(key, str):
            values = reply[key]
            out[key] = values[0] if len(values) == 1 else list(values)
    return out


def for_router(router) -> Nas:
    """The router's NAS, made on first use (most simulated routers never need one)."""
    nas = getattr(router.state, "nas", None)
    return nas if nas is not None else Nas(router)


class NasHandle:
    """A test's view of a router's clients (RouterHandle.nas); every call hops onto the
    simulator's loop thread and waits for the RADIUS exchanges it causes."""

    def __init__(self, sim, router) -> None:
        self._sim = sim
        self._router = router

    def _nas(self) -> Nas:
        return for_router(self._router)

    def _run(self, method: str, *args, **kwargs):
        async def call():
            return await getattr(self._nas(), method)(*args, **kwargs)

        return self._sim.run(call())

    def login(self, user: str, password: str, mac: str = "AA:BB:CC:00:00:01", *,
              kind: str = HOTSPOT, address: str | None = None,
              server: str | None = None) -> LoginResult:
        """A hotspot (kind="hotspot") or PPPoE (kind="ppp") client logs in."""
        return self._run("login", user, password, mac, kind=kind, address=address,
                         server=server)

    def advance(self, seconds: float = 0, bytes_in: int = 0, bytes_out: int = 0,
                user: str | None = None) -> list[str]:
        """Clients use time and traffic; returns the users whose sessions ended."""
        return [s.user for s in self._run("advance", seconds, bytes_in, bytes_out, user)]

    def logout(self, user: str | None = None, mac: str | None = None) -> int:
        return self._run("logout", user, mac)

    def vanish(self, user: str | None = None, mac: str | None = None) -> int:
        """The router loses sessions without sending their Stop."""
        return self._run("vanish", user, mac)

    def listen_incoming(self) -> int | None:
        """Listen for Disconnect/CoA as `/radius incoming` says; returns the port."""
        return self._run("listen_incoming")

    def sessions(self) -> list[dict]:
        def read():
            return [{"user": s.user, "mac": s.mac, "address": s.address,
                     "session_id": s.session_id, "seconds": s.seconds,
                     "bytes_in": s.bytes_in, "bytes_out": s.bytes_out,
                     "session_timeout": s.session_timeout, "total_limit": s.total_limit,
                     "interim": s.interim, "kind": s.kind, "rate_limit": s.rate_limit}
                    for s in self._nas().sessions.values()]
        return self._sim.call(read)

    def received(self) -> list[tuple[str, dict]]:
        """Disconnect/CoA requests the router accepted (signed, from a /radius address)."""
        return self._sim.call(lambda: list(self._nas().received))

    def fault(self, *, ack_without_disconnect: bool | None = None,
              ignore_incoming: bool | None = None) -> None:
        def apply():
            nas = self._nas()
            if ack_without_disconnect is not None:
                nas.ack_without_disconnect = ack_without_disconnect
            if ignore_incoming is not None:
                nas.ignore_incoming = ignore_incoming
        self._sim.call(apply)

    def close(self) -> None:
        if getattr(self._router.state, "nas", None) is not None:
            self._sim.run(self._router.state.nas.close())


# -- routersim client: one simulated router as the NAS of a RADIUS server -----------------
def add_client_command(parser) -> None:
    """`routersim client ...`: the sub-command's arguments (routers.simulator.cli)."""
    subparsers = parser.add_subparsers(dest="subcommand", metavar="{client}")
    client = subparsers.add_parser(
        "client", help="log a hotspot or PPPoE client in through a simulated router "
                       "(a NAS of your RADIUS server), use it, log it out")
    client.add_argument("--radius", required=True, help="RADIUS server address")
    client.add_argument("--secret", required=True, help="the NAS shared secret")
    client.add_argument("--auth-port", type=int, default=1812)
    client.add_argument("--acct-port", type=int, default=1813)
    client.add_argument("--user", required=True, help="voucher code or PPPoE user")
    client.add_argument("--password", default=None, help="default: the user name")
    client.add_argument("--mac", default="AA:BB:CC:00:00:01", help="the client's MAC")
    client.add_argument("--kind", choices=[HOTSPOT, PPP], default=HOTSPOT)
    client.add_argument("--minutes", type=float, default=5, help="session length to simulate")
    client.add_argument("--mbytes", type=float, default=10, help="traffic in that time (MB)")
    client.add_argument("--speed", type=float, default=60,
                        help="simulated seconds per real second")
    client.add_argument("--interim", default="5m", help="interim update interval")
    client.add_argument("--incoming-port", type=int, default=3799,
                        help="UDP port for Disconnect/CoA (/radius incoming)")
    client.add_argument("--stay", action="store_true",
                        help="stay logged in until Ctrl-C (or a Disconnect) after the minutes")


def configure_nas(state, radius: str, secret: str, auth_port: int, acct_port: int,
                  interim: str, incoming_port: int) -> None:
    """A hotspot server and a PPPoE server using RADIUS, as the product's deployment makes."""
    from . import engine

    engine.execute(state, "/ip/hotspot/profile", "add", {
        "name": "hsprof-radius", "use-radius": "yes", "radius-accounting": "yes",
        "radius-interim-update": interim, "login-by": "http-chap"})
    engine.execute(state, "/ip/hotspot", "add", {
        "name": "hotspot1", "interface": "ether2", "profile": "hsprof-radius",
        "disabled": "no"})
    engine.execute(state, "/interface/pppoe-server/server", "add", {
        "service-name": "internet", "interface": "ether3", "disabled": "no"})
    engine.execute(state, "/ppp/aaa", "set", {"use-radius": "yes", "accounting": "yes",
                                              "interim-update": interim})
    engine.execute(state, "/radius", "add", {
        "address": radius, "secret": secret, "service": "hotspot,ppp", "timeout": "3s",
        "authentication-port": str(auth_port), "accounting-port": str(acct_port)})
    engine.execute(state, "/radius/incoming", "set", {"accept": "yes",
                                                      "port": str(incoming_port)})


async def run_client(options: dict, host: str, port: int, out) -> int:
    """The `routersim client` sub-command: returns the exit status (0 accepted, 1 not)."""
    from .server import Simulator

    simulator = Simulator(host)
    router = await simulator.add_router(port or 0, identity="routersim-nas")
    nas = for_router(router)
    try:
        configure_nas(router.state, options["radius"], options["secret"], options["auth_port"],
                      options["acct_port"], options["interim"], options["incoming_port"])
        await nas.listen_incoming()
        out.write(f"router {router.name}: API on {host}:{router.port}, Disconnect/CoA on "
                  f"udp {host}:{options['incoming_port']}\n")
        result = await nas.login(options["user"], options["password"] or options["user"],
                                 options["mac"], kind=options["kind"])
        if result.accepted or result.server:
            out.write(("Access-Accept" if result.accepted else "Access-Reject")
                      + (f": {result.message}" if result.message else "") + "\n")
        else:
            out.write(f"no answer: {result.message}\n")
        for key, value in sorted(result.reply.items()):
            if key != "Message-Authenticator":
                out.write(f"  {key} = {value}\n")
        out.flush()
        if not result.accepted:
            return 1
        total = options["minutes"] * 60
        per_second = options["mbytes"] * 1e6 / total if total else 0
        used = 0.0
        while nas.find(options["user"]) and (used < total or options["stay"]):
            await asyncio.sleep(1)
            step = min(options["speed"], total - used) if used < total else 0
            if step:
                half = int(per_second * step / 2)
                await nas.advance(step, half, half, options["user"])
                used += step
                out.write(f"  {format_uptime(used)} used\n")
                out.flush()
        left = nas.find(options["user"])
        if left:
            await nas.logout(options["user"])
            out.write("logged out (Accounting Stop sent)\n")
        else:
            out.write("the session ended on the router (limit reached or disconnected)\n")
        return 0
    finally:
        await nas.close()
        await simulator.stop()
