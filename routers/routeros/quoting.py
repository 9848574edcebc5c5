"""The one place that turns values into RouterOS script (.rsc) text.

rsc_quote() always double-quotes and escapes everything that could end the
string, start a variable or a command, or be mangled by a terminal: backslash,
double quote, dollar, CR, LF, TAB, ``?``, ``;``, other control characters and all
non-ASCII (as \\XX, uppercase hex of the UTF-8 bytes). The simulator's .rsc
parser decodes exactly this (tests round-trip hostile values).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

_NAMED = {"\\": "\\\\", '"': '\\"', "$": "\\$", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# ';' is harmless inside quotes, but escaping it costs nothing and keeps a value
# safe even if a reader splits commands naively.
_HEXED = {"?", ";"}


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return ""
    return str(value)


def rsc_quote(value: object) -> str:
    """A double-quoted .rsc string that RouterOS reads back as exactly ``value``."""
    out = ['"']
    for ch in _text(value):
        if ch in _NAMED:
            out.append(_NAMED[ch])
        elif ch in _HEXED or ord(ch) < 0x20 or ord(ch) >= 0x7F:
            out.append("".join(f"\\{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def rsc_line(path: str, action: str, params: Mapping[str, object] | None = None,
             find: Mapping[str, object] | None = None) -> str:
    """One command line, e.g. rsc_line("/ip pool", "add", {"name": "p"}).

    ``path`` may use spaces or slashes ("/ip pool" or "/ip/pool"). ``find``
    targets set/remove at the items matching all fields: [find where k="v"].
    Parameter names must be RouterOS names (letters, digits, dashes).
    """
    menu = "/" + " ".join(w for w in path.replace("/", " ").split())
    parts = [menu, action]
    if find:
        where = " ".join(f"{_name(k)}={rsc_quote(v)}" for k, v in find.items())
        parts.append(f"[find where {where}]")
    for key, value in (params or {}).items():
        parts.append(f"{_name(key)}={rsc_quote(value)}")
    return " ".join(parts)


def _name(key: str) -> str:
    name = key.replace("_", "-")
    if not name or not all(c.isalnum() or c in "-." for c in name) or not name[0].isalpha():
        raise ValueError(f"not a RouterOS parameter name: {key!r}")
    return name


def check_script(text: str, timeout: float = 60.0) -> list[str]:
    """routeros-lsp's strict findings for a script ("line:col: rule: message"); [] when clean."""
    tool = Path(sys.executable).with_name("routeros-lsp")
    command = [str(tool)] if tool.exists() else [sys.executable, "-m", "routeros_lsp"]
    done = subprocess.run([*command, "check", "--strict", "--format", "json", "-"],
                          input=text, capture_output=True, text=True, timeout=timeout)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"routeros-lsp check failed: {done.stderr.strip()[:500]}")
    findings = json.loads(done.stdout or "[]")
    return [f"{f.get('line')}:{f.get('column')}: {f.get('rule')}: {f.get('message')}"
            for f in findings]
