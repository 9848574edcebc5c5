"""The configuration of one simulated router.

Everything is plain dicts of strings, the way RouterOS prints it. Tables are
created on first use so that thousands of idle routers cost little memory.
State is touched only from the simulator's event loop thread; tests reach it
through testing.RouterHandle, which hops onto that thread.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from . import menus, schema


def parse_version(text: str) -> tuple[int, ...]:
    """ "7.16", "7.16.2", "6.49.10 (long-term)" -> (7, 16, 2)."""
    digits = text.split()[0] if text.split() else "7.16"
    parts: list[int] = []
    for part in digits.split("."):
        num = "".join(ch for ch in part if ch.isdigit())
        if not num:
            break
        parts.append(int(num))
    return tuple(parts) or (7, 16)


def format_id(number: int) -> str:
    return f"*{number:X}"


class Table:
    """One list menu: rows keyed by .id in print order."""

    __slots__ = ("spec", "rows", "next_id")

    def __init__(self, spec: menus.MenuSpec) -> None:
        self.spec = spec
        self.rows: dict[str, dict[str, str]] = {}
        self.next_id = 1

    def insert(self, fields: dict[str, str], before: str | None = None) -> str:
        """Add a row at the end, or just before the row ``before`` (place-before)."""
        item_id = format_id(self.next_id)
        self.next_id += 1
        if before is None or before not in self.rows:
            self.rows[item_id] = fields
        else:
            items = list(self.rows.items())
            at = next(i for i, (k, _) in enumerate(items) if k == before)
            items.insert(at, (item_id, fields))
            self.rows = dict(items)
        return item_id

    def reorder(self, order: list[str]) -> None:
        """Print order becomes ``order`` (every id exactly once)."""
        self.rows = {item_id: self.rows[item_id] for item_id in order}

    def move(self, ids: list[str], before: str | None) -> None:
        """RouterOS move: ``ids`` in the given order, just before ``before`` (None: the end)."""
        rest = [i for i in self.rows if i not in ids]
        if before is None or before not in rest:
            # Destination among the moved items: place before the next row that stays.
            order = list(self.rows)
            if before in ids:
                later = [i for i in order[order.index(before):] if i not in ids]
                before = later[0] if later else None
            else:
                before = None
        at = rest.index(before) if before is not None else len(rest)
        self.reorder(rest[:at] + list(ids) + rest[at:])

    def find(self, **where: str) -> list[str]:
        return [i for i, row in self.rows.items()
                if all(row.get(k, "") == v for k, v in where.items())]

    def by_key(self, value: str) -> str | None:
        key = self.spec.key
        if key is None:
            return None
        for item_id, row in self.rows.items():
            if row.get(key) == value:
                return item_id
        return None


class RouterState:
    """Identity, hardware facts, and every menu of one router."""

    def __init__(
        self,
        identity: str = "MikroTik",
        version: str = "7.16",
        users: dict[str, str] | None = None,
        board_name: str | None = None,
        model: str | None = None,
        serial: str | None = None,
        architecture: str | None = None,
        cpu_count: int | None = None,
        total_memory: int | None = None,
        profile: str = "bare",
        flash: bool = False,
        ethers: int | None = None,
        reboot_delay: float = 0.5,
    ) -> None:
        from .profiles import hardware  # late: profiles builds on this module

        facts = hardware(profile)
        self.profile = profile
        self.identity = identity
        self.version = version.split()[0]
        self.version_tuple = parse_version(version)
        self.board_name = board_name or facts.board_name
        self.model = model or facts.model
        self.routerboard_present = facts.routerboard
        self.serial = serial or hashlib.sha1(identity.encode()).hexdigest()[:12].upper()
        self.architecture = architecture or facts.architecture
        self.cpu = facts.cpu
        self.cpu_count = cpu_count or facts.cpu_count
        self.total_memory = total_memory or facts.total_memory
        self.factory_software = facts.factory_software
        self.ethers = ethers or facts.ethers
        self.free_memory = self.total_memory // 2
        self.cpu_load = 3
        self.flash = flash  # a "flash" directory: files elsewhere live on a RAM disk
        self.reboot_delay = reboot_delay
        self.started = time.monotonic()
        # Link state per interface name (True: a cable with link). Missing means link.
        self.links: dict[str, bool] = {}
        # Who wants to know about reboots, service changes, hotspot changes (server, NAS).
        self.hooks: list[Callable[..., None]] = []
        # Private material behind /certificate rows (by .id): never printed.
        self.cert_material: dict[str, Any] = {}
        # Rows RouterOS made itself, per menu: .id -> what made it (see dynamic.py).
        self.dynamic_owner: dict[str, dict[str, str]] = {}
        self._counter_seed = int(hashlib.sha1(self.serial.encode()).hexdigest()[:8], 16)
        # Users stay a small dict until someone looks at /user (most routers never do).
        self._initial_users = users if users is not None else {"admin": ""}
        self._tables: dict[str, Table] = {}
        self._singletons: dict[str, dict[str, str]] = {}
        self.nas: Any = None  # nas.Nas once the router serves RADIUS clients (nas.for_router)
        if profile != "bare" or flash:
            from .profiles import apply

            apply(self)

    # -- events ---------------------------------------------------------------
    def emit(self, event: str, **data: Any) -> None:
        """Tell every hook (server, NAS module) that something happened on the router."""
        for hook in list(self.hooks):
            hook(event, **data)

    # -- versions -------------------------------------------------------------
    def at_least(self, *version: int) -> bool:
        return self.version_tuple >= version

    @property
    def version_text(self) -> str:
        channel = "long-term" if self.version_tuple < (7,) else "stable"
        return f"{self.version} ({channel})"

    # -- menus ----------------------------------------------------------------
    def table(self, path: str) -> Table:
        found = self._tables.get(path)
        if found is None:
            add_args = schema.arguments(path, "add") or schema.arguments(path, "set") or {}
            spec = menus.spec_for(path, "name" in add_args)
            found = Table(spec)
            self._tables[path] = found
            self._factory_rows(found)
        return found

    def has_table(self, path: str) -> bool:
        return path in self._tables

    def _factory_rows(self, table: Table) -> None:
        if table.spec.path == "/interface":
            for i in range(1, self.ethers + 1):
                name = f"ether{i}"
                table.insert({**menus.ethernet(name), "mac-address": self.mac_for(name),
                              "running": "true" if self.links.get(name, True) else "false"})
            return
        for row in table.spec.builtins:
            fields = {**row, **{k: v for k, v in table.spec.defaults.items() if k not in row}}
            if table.spec.path == "/ip/hotspot/profile" and self.flash:
                fields["html-directory"] = "flash/hotspot"
            table.insert(fields)
        if table.spec.path == "/user":
            for name, password in self._initial_users.items():
                table.insert({"name": name, "group": "full", "password": password,
                              "address": "", "disabled": "false", "last-logged-in": ""})

    def mac_for(self, name: str) -> str:
        digest = hashlib.sha1(f"{self.serial}/{name}".encode()).digest()
        return ":".join(f"{b:02X}" for b in (b"\x48\xa9\x8a" + digest[:3]))

    def singleton(self, path: str) -> dict[str, str]:
        found = self._singletons.get(path)
        if found is None:
            found = dict(menus.SINGLETON_DEFAULTS.get(path, {}))
            self._singletons[path] = found
        return found

    # -- read-only facts --------------------------------------------------------
    def uptime(self) -> str:
        seconds = int(time.monotonic() - self.started)
        weeks, seconds = divmod(seconds, 7 * 86400)
        days, seconds = divmod(seconds, 86400)
        hours, seconds = divmod(seconds, 3600)
        minutes, seconds = divmod(seconds, 60)
        text = "".join(f"{v}{u}" for v, u in ((weeks, "w"), (days, "d"), (hours, "h"),
                                               (minutes, "m")) if v)
        return f"{text}{seconds}s"

    def resource(self) -> dict[str, str]:
        return {
            "uptime": self.uptime(), "version": self.version_text,
            "build-time": "2024-09-20 13:00:27", "factory-software": self.factory_software,
            "free-memory": str(self.free_memory), "total-memory": str(self.total_memory),
            "cpu": self.cpu, "cpu-count": str(self.cpu_count), "cpu-frequency": "716",
            "cpu-load": str(self.cpu_load), "free-hdd-space": "1757184",
            "total-hdd-space": "16777216", "write-sect-since-reboot": "100",
            "write-sect-total": "10000", "bad-blocks": "0",
            "architecture-name": self.architecture, "board-name": self.board_name,
            "platform": "MikroTik",
        }

    def routerboard(self) -> dict[str, str] | None:
        """/system/routerboard facts; None on CHR and x86, which have no such menu."""
        if not self.routerboard_present:
            return None
        firmware = self.version
        return {
            "routerboard": "true", "board-name": self.board_name, "model": self.model,
            "revision": "r2", "serial-number": self.serial, "firmware-type": "ipq4000L",
            "factory-firmware": "6.44.6", "current-firmware": firmware,
            "upgrade-firmware": firmware,
        }

    def users(self) -> Table:
        return self.table("/user")

    def policies(self, user: str) -> set[str] | None:
        """What ``user``'s group grants (None: not a router user, e.g. tests' own calls)."""
        from .sets import granted

        users = self.users()
        item = users.by_key(user)
        if item is None:
            return None
        groups = self.table("/user/group")
        group = groups.by_key(users.rows[item].get("group", ""))
        return granted(groups.rows[group].get("policy", "")) if group else set()

    # -- links, bridges, traffic ------------------------------------------------
    def set_link(self, name: str, up: bool) -> None:
        """Plug (True) or unplug (False) the cable of interface ``name``."""
        self.links[name] = up
        self.refresh_links()

    def refresh_links(self) -> None:
        """running follows link state; bridge ports are slaves; a bridge runs while a port does."""
        if not self.has_table("/interface"):
            return
        ports = list(self.table("/interface/bridge/port").rows.values()) \
            if self.has_table("/interface/bridge/port") else []
        members: dict[str, list[str]] = {}
        for port in ports:
            if port.get("disabled") != "true":
                members.setdefault(port.get("bridge", ""), []).append(port.get("interface", ""))
        enslaved = {name for names in members.values() for name in names}
        rows = self.table("/interface").rows.values()
        link = {r["name"]: self.links.get(r["name"], True) and r.get("disabled") != "true"
                for r in rows if r.get("type") != "bridge"}
        for row in rows:
            name = row["name"]
            if row.get("type") == "bridge":
                ports_of = members.get(name, [])
                up = any(link.get(p, False) for p in ports_of) if ports_of else True
                row["running"] = "true" if up and row.get("disabled") != "true" else "false"
            else:
                row["running"] = "true" if link.get(name, True) else "false"
            row["slave"] = "true" if name in enslaved else "false"

    def count_traffic(self, table: Table) -> None:
        """Firewall counters move between reads, as on a router with traffic."""
        for row in table.rows.values():
            if row.get("disabled") == "true" or "bytes" not in row:
                continue
            self._counter_seed = (self._counter_seed * 1103515245 + 12345) & 0x7FFFFFFF
            packets = 1 + self._counter_seed % 17
            row["packets"] = str(int(row.get("packets", "0")) + packets)
            row["bytes"] = str(int(row.get("bytes", "0")) + packets * 84)

    # -- reboot -----------------------------------------------------------------
    def rebooted(self) -> None:
        """What a reboot leaves: uptime from zero, no sessions, counters at zero, and on
        boards with a flash directory no files outside it (they lived on a RAM disk)."""
        self.started = time.monotonic()
        if self.flash and self.has_table("/file"):
            files = self.table("/file")
            for item_id in [i for i, r in files.rows.items()
                            if r.get("name") != "flash" and not r.get("name", "").startswith(
                                "flash/")]:
                del files.rows[item_id]
        for path in ("/ip/hotspot/active", "/ip/hotspot/host", "/ip/hotspot/cookie",
                     "/ppp/active"):
            if self.has_table(path):
                self.table(path).rows.clear()
        for path in ("/ip/firewall/filter", "/ip/firewall/nat", "/ip/firewall/mangle",
                     "/ip/firewall/raw"):
            if self.has_table(path):
                for row in self.table(path).rows.values():
                    if "bytes" in row:
                        row["bytes"] = row["packets"] = "0"

    def snapshot(self) -> dict[str, Any]:
        """Everything configured so far (for debugging and tests)."""
        return {
            "identity": self.identity,
            "tables": {p: {i: dict(r) for i, r in t.rows.items()} for p, t in self._tables.items()},
            "singletons": {p: dict(v) for p, v in self._singletons.items()},
        }
