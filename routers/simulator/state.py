"""The configuration of one simulated router.

Everything is plain dicts of strings, the way RouterOS prints it. Tables are
created on first use so that thousands of idle routers cost little memory.
State is touched only from the simulator's event loop thread; tests reach it
through testing.RouterHandle, which hops onto that thread.
"""

from __future__ import annotations

import hashlib
import time
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

    def insert(self, fields: dict[str, str]) -> str:
        item_id = format_id(self.next_id)
        self.next_id += 1
        self.rows[item_id] = fields
        return item_id

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
        board_name: str = "hAP ac^2",
        model: str = "RBD52G-5HacD2HnD",
        serial: str | None = None,
        architecture: str = "arm",
        cpu_count: int = 4,
        total_memory: int = 128 * 1024 * 1024,
    ) -> None:
        self.identity = identity
        self.version = version.split()[0]
        self.version_tuple = parse_version(version)
        self.board_name = board_name
        self.model = model
        self.serial = serial or hashlib.sha1(identity.encode()).hexdigest()[:12].upper()
        self.architecture = architecture
        self.cpu_count = cpu_count
        self.total_memory = total_memory
        self.free_memory = total_memory // 2
        self.cpu_load = 3
        self.started = time.monotonic()
        # Users stay a small dict until someone looks at /user (most routers never do).
        self._initial_users = users if users is not None else {"admin": ""}
        self._tables: dict[str, Table] = {}
        self._singletons: dict[str, dict[str, str]] = {}
        self.nas: Any = None  # nas.Nas once the router serves RADIUS clients (nas.for_router)

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
        for row in table.spec.builtins:
            fields = dict(row)
            if table.spec.path == "/interface":
                fields["mac-address"] = self.mac_for(fields["name"])
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
            "build-time": "2024-09-20 13:00:27", "factory-software": "6.44.6",
            "free-memory": str(self.free_memory), "total-memory": str(self.total_memory),
            "cpu": "ARM", "cpu-count": str(self.cpu_count), "cpu-frequency": "716",
            "cpu-load": str(self.cpu_load), "free-hdd-space": "1757184",
            "total-hdd-space": "16777216", "write-sect-since-reboot": "100",
            "write-sect-total": "10000", "bad-blocks": "0",
            "architecture-name": self.architecture, "board-name": self.board_name,
            "platform": "MikroTik",
        }

    def routerboard(self) -> dict[str, str]:
        firmware = self.version
        return {
            "routerboard": "true", "board-name": self.board_name, "model": self.model,
            "revision": "r2", "serial-number": self.serial, "firmware-type": "ipq4000L",
            "factory-firmware": "6.44.6", "current-firmware": firmware,
            "upgrade-firmware": firmware,
        }

    def users(self) -> Table:
        return self.table("/user")

    def snapshot(self) -> dict[str, Any]:
        """Everything configured so far (for debugging and tests)."""
        return {
            "identity": self.identity,
            "tables": {p: {i: dict(r) for i, r in t.rows.items()} for p, t in self._tables.items()},
            "singletons": {p: dict(v) for p, v in self._singletons.items()},
        }
