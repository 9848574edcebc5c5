"""Every RouterOS version gate the simulator knows, in one table.

``supports(version_tuple, feature)`` answers whether a router of that version has
the feature. Each entry names its public source; docs/simulator.md prints the table
for the versions the product is tested on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Gate:
    since: tuple[int, ...]  # first version with the feature
    until: tuple[int, ...] | None  # last version with it (None: still there)
    what: str
    source: str


FEATURES: dict[str, Gate] = {
    "legacy-login": Gate(
        (0,), (6, 45, 1), "challenge-response /login (=response=) accepted",
        "MikroTik wiki Manual:API, 'Initial login'; BenMenking/routeros-api#52 (6.47.6 trace)"),
    "file-add": Gate(
        (7, 9), None, "/file/add exists (else: no such command)",
        "help.mikrotik.com Files page: 'command added in RouterOS 7.9beta2'"),
    "file-add-ret": Gate(
        (7, 13), None, "/file/add answers =ret=<id>",
        "librouteros 4.2.2 api.py: '/file/add on RouterOS older than ~7.13 returns nothing'"),
    "import-dry-run": Gate(
        (7, 16), None, "/import takes dry-run (with verbose=yes)",
        "librouteros config.py and integration tests against CHR 7.18.2"),
    "empty-reply": Gate(
        (7, 18), None, "a print that finds nothing answers !empty before !done",
        "RouterOS 7.18 changelog 'put !empty sentence when API query returns nothing'; "
        "pear2/Net_RouterOS#80 trace"),
    "print-to-file": Gate(
        (0,), (6, 999), "/file/print =file=NAME creates NAME.txt (v6 has no /file/add)",
        "luqasz/librouteros#72"),
}

# The versions the product is tested on; docs/simulator.md shows each feature for them.
TESTED = ("7.1", "7.8", "7.12", "7.16", "7.21")


def supports(version: tuple[int, ...], feature: str) -> bool:
    gate = FEATURES[feature]
    if version < gate.since:
        return False
    return gate.until is None or version <= gate.until


def table(versions: tuple[str, ...] = TESTED) -> list[tuple[str, list[bool]]]:
    """[(feature, [supported per version])]: the matrix docs/simulator.md shows."""
    from .state import parse_version

    parsed = [parse_version(v) for v in versions]
    return [(name, [supports(v, name) for v in parsed]) for name in FEATURES]


def markdown(versions: tuple[str, ...] = TESTED) -> str:
    """The version matrix as the markdown table docs/simulator.md carries."""
    head = "| feature | " + " | ".join(versions) + " | source |"
    rule = "|---|" + "---|" * len(versions) + "---|"
    lines = [head, rule]
    for name, row in table(versions):
        gate = FEATURES[name]
        cells = " | ".join("yes" if ok else "no" for ok in row)
        lines.append(f"| {gate.what} | {cells} | {gate.source} |")
    return "\n".join(lines)
