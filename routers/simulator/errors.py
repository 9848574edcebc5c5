"""The one exception the simulator's command layer raises: a RouterOS !trap."""

from __future__ import annotations


class Trap(Exception):
    """Answered as ``!trap =message=... [=category=N]`` followed by ``!done``."""

    def __init__(self, message: str, category: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.category = category


def no_such_command(word: str) -> Trap:
    return Trap(f"no such command or directory ({word})", 0)


def unknown_parameter() -> Trap:
    # Exact wording from luqasz/librouteros#226; RouterOS sends no category here.
    return Trap("unknown parameter")


def bad_reference(arg: str) -> Trap:
    return Trap(f"input does not match any value of {arg}", 1)


NO_SUCH_ITEM = "no such item"
