"""The one exception the simulator's command layer raises: a RouterOS !trap."""

from __future__ import annotations


class Trap(Exception):
    """Answered as ``!trap =message=... [=category=N]`` followed by ``!done``.

    ``also`` holds further (message, category) traps RouterOS sends before the
    ``!done`` (an unknown command gets two).
    """

    def __init__(self, message: str, category: int | None = None,
                 also: tuple[tuple[str, int | None], ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.category = category
        self.also = also

    def sentences(self) -> list[list[str]]:
        out = []
        for message, category in ((self.message, self.category), *self.also):
            sentence = ["!trap"]
            if category is not None:
                sentence.append(f"=category={category}")
            sentence.append(f"=message={message}")
            out.append(sentence)
        return out


def no_such_command(word: str) -> Trap:
    # RouterOS answers an unknown menu or command with two traps (librouteros's
    # api_analysis trace; "no such command prefix" is what CHR says for
    # /system/routerboard in several projects that handle it).
    return Trap(f"no such command or directory ({word})", 0,
                also=(("no such command prefix", None),))


def unknown_parameter() -> Trap:
    # Exact wording from luqasz/librouteros#226; RouterOS sends no category here.
    return Trap("unknown parameter")


def bad_reference(arg: str) -> Trap:
    return Trap(f"input does not match any value of {arg}", 1)


def not_enough_permissions() -> Trap:
    # Wording seen by third-party PHP clients; RouterOS sends no category word.
    return Trap("not enough permissions (9)")


NO_SUCH_ITEM = "no such item"
