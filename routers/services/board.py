"""What a router is: /system/resource, and /system/routerboard where the router has one.

CHR and x86 installations have no /system/routerboard: the menu answers "no such
command" traps (beeyev/Mikrotik-RouterOS-automatic-backup-and-update#53 on CHR 7.15,
#55 on x86; the RouterOS 7.21.4 command database, made on a CHR, has no such menu).
Probing and discovery read both menus in one exchange and take a trap on the
routerboard menu as "no routerboard": the model is then the resource's board-name
("CHR QEMU Standard PC ...", "x86").
"""

from __future__ import annotations

from routers.routeros.errors import RouterCommandError


def read(api) -> tuple[dict, dict]:
    """(resource, routerboard) of a logged-in client; routerboard is {} where there is none.
    Any other failure (a trap on /system/resource, a lost link) is raised."""
    resource, board = api.call_many([("/system/resource/print", None, None),
                                     ("/system/routerboard/print", None, None)])
    if isinstance(resource, RouterCommandError):
        raise resource
    return (resource.rows or [{}])[0], row(board)


def row(reply) -> dict:
    """The routerboard row of a reply; {} where the menu does not exist (CHR/x86)."""
    return {} if isinstance(reply, RouterCommandError) else (reply.rows or [{}])[0]


def model(resource: dict, board: dict) -> str:
    return board.get("model") or resource.get("board-name", "")
