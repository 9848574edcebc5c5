"""The real RouterOS 7 command database, as shipped by routeros-lsp.

Loaded once per process, on first use, and shared by every simulated router:
it is the authority on which menus, commands and parameters exist.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
_root: dict[str, Any] | None = None
_version = ""


def root() -> dict[str, Any]:
    global _root, _version
    if _root is None:
        with _lock:
            if _root is None:
                from routeros_lsp.schema.schema import Schema

                schema = Schema.bundled()
                if schema is None:
                    raise RuntimeError("routeros-lsp ships no command database")
                _version = schema.version
                _root = schema.root
    return _root


def version() -> str:
    root()
    return _version


def node(path: str) -> dict[str, Any] | None:
    """The node for "/ip/pool" (a menu) or "/ip/pool/add" (a command), or None."""
    current = root()
    for word in path.strip("/").split("/"):
        if not word:
            continue
        children = current.get("c")
        if not children or word not in children:
            return None
        current = children[word]
    return current


def is_menu(path: str) -> bool:
    found = node(path)
    return found is not None and not found.get("k")


def command(menu: str, name: str) -> dict[str, Any] | None:
    found = node(menu)
    if found is None:
        return None
    cmd = found.get("c", {}).get(name)
    if cmd is None or not cmd.get("k"):
        return None
    return cmd


def arguments(menu: str, name: str) -> dict[str, Any] | None:
    """Argument table of a command, or None when the command does not exist."""
    cmd = command(menu, name)
    if cmd is None:
        return None
    return cmd.get("a", {})


def has_comment(menu: str) -> bool:
    args = arguments(menu, "add") or arguments(menu, "set") or {}
    return "comment" in args


def is_singleton(menu: str) -> bool:
    """A menu whose set takes no item numbers (identity, dns, ppp aaa...)."""
    args = arguments(menu, "set")
    return args is not None and "numbers" not in args and command(menu, "add") is None


def is_boolean(arg: dict[str, Any] | None) -> bool:
    return bool(arg) and arg.get("e") == ["no", "yes"]
