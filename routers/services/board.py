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

# The two reads, for callers that pipeline them with reads of their own (discovery).
COMMANDS = [("/system/resource/print", None, None), ("/system/routerboard/print", None, None)]


def read(api) -> tuple[dict, dict]:
    """(resource, routerboard) of a logged-in client; routerboard is {} where there is none.
    Any other failure (a trap on /system/resource, a lost link) is raised."""
    return parse(api.call_many(COMMANDS))


def parse(replies) -> tuple[dict, dict]:
    """(resource, routerboard) from the replies to COMMANDS."""
    resource, board = replies
    if isinstance(resource, RouterCommandError):
        raise resource
    if isinstance(board, RouterCommandError):
        if not missing(board):
            raise board  # a real failure of a router that has the menu
        return (resource.rows or [{}])[0], {}
    board_row = (board.rows or [{}])[0]
    return (resource.rows or [{}])[0], board_row


def model(resource: dict, board: dict) -> str:
    return board.get("model") or resource.get("board-name", "")


def missing(trap: RouterCommandError) -> bool:
    """The trap a router without the menu answers ("no such command ...", "bad command name")."""
    text = str(trap).lower()
    return "no such command" in text or "bad command name" in text
