"""Every RouterOS version gate the product knows, in one place.

The product asks `supports(version, feature)` before it relies on a command or a reply
that only some RouterOS versions have; probing refuses versions older than MIN_VERSION.
Each gate names its public source (../shared/research/routeros-fidelity.md). The
simulator has its own table (routers/simulator/versions.py): it models RouterOS, this
one says what the product assumes, and tests/contract checks that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

# The oldest RouterOS the product configures.
MIN_VERSION = (7, 1)


@dataclass(frozen=True)
class Gate:
    since: tuple[int, ...]
    what: str
    source: str


GATES: dict[str, Gate] = {
    # Without it the product cannot upload its portal pages: the wizard offers the
    # router's default pages instead (provisioning.forms).
    "file-add": Gate((7, 9), "/file add (uploading the portal pages)",
                     "help.mikrotik.com Files page: 'command added in RouterOS 7.9beta2'"),
    # Before it, deploy looks the new file up by name (provisioning.services.deploy).
    "file-add-ret": Gate((7, 13), "/file add answers the new file's id",
                         "librouteros 4.2.2: '/file/add on RouterOS older than ~7.13 "
                         "returns nothing'"),
}


def parse_version(text: str) -> tuple[int, ...]:
    """'7.16.2 (stable)' -> (7, 16, 2); '' -> ()."""
    head = (text or "").split(" ", 1)[0]
    parts = []
    for piece in head.split("."):
        digits = ""
        for ch in piece:
            if not ch.isdigit():
                break
            digits += ch
        if not digits:
            break
        parts.append(int(digits))
        if len(digits) != len(piece):  # "9beta2": the version ends here
            break
    return tuple(parts)


def supports(version: str | tuple[int, ...], feature: str) -> bool:
    """Whether RouterOS `version` has `feature`. An unknown version ("") is assumed new:
    the router answered, and the deploy's own checks still catch a missing command."""
    parsed = parse_version(version) if isinstance(version, str) else version
    return not parsed or parsed >= GATES[feature].since


def since(feature: str) -> str:
    return ".".join(map(str, GATES[feature].since))


def too_old(version: str | tuple[int, ...]) -> bool:
    parsed = parse_version(version) if isinstance(version, str) else version
    return bool(parsed) and parsed < MIN_VERSION
