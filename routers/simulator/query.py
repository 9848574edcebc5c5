"""API print queries: ?name, ?-name, ?name=v, ?=name=v, ?<name=v, ?>name=v and ?#ops.

Each query word pushes one boolean on a stack; ?# words combine stack entries.
An item matches when no false is left on the stack (an empty stack is "all
true", so plain consecutive queries AND together).
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import Trap

Row = dict[str, str]
Step = Callable[[Row, list[bool]], None]

_BOOL = {"yes": "true", "true": "true", "no": "false", "false": "false"}


def _norm(value: str) -> str:
    return _BOOL.get(value, value)


def _order_key(value: str) -> tuple[int, int | str]:
    # Numbers and .id values (*1A) compare numerically, everything else as text.
    text = value[1:] if value.startswith("*") else value
    try:
        return (0, int(text, 16) if value.startswith("*") else int(text))
    except ValueError:
        return (1, value)


def _push_compare(op: str, key: str, value: str) -> Step:
    def step(row: Row, stack: list[bool]) -> None:
        have = row.get(key)
        if op == "=":
            stack.append(_norm(have or "") == _norm(value))
        elif have is None:
            stack.append(False)
        elif op == "<":
            stack.append(_order_key(have) < _order_key(value))
        else:
            stack.append(_order_key(have) > _order_key(value))
    return step


def _push_has(key: str, negate: bool) -> Step:
    def step(row: Row, stack: list[bool]) -> None:
        present = row.get(key) not in (None, "")
        stack.append(present != negate)
    return step


def _top(stack: list[bool], index: int = 0) -> bool:
    # Below the bottom the stack is infinitely "true".
    return stack[-1 - index] if index < len(stack) else True


def _pop(stack: list[bool]) -> bool:
    return stack.pop() if stack else True


def _ops(text: str) -> Step:
    for ch in text:
        if not (ch.isdigit() or ch in "!&|."):
            raise Trap(f"unknown query operation {ch}")

    def step(row: Row, stack: list[bool]) -> None:
        i = 0
        while i < len(text):
            ch = text[i]
            if ch.isdigit():
                j = i
                while j < len(text) and text[j].isdigit():
                    j += 1
                stack.append(_top(stack, int(text[i:j])))
                i = j
                continue
            if ch == "!":
                stack.append(not _pop(stack))
            elif ch == "&":
                b, a = _pop(stack), _pop(stack)
                stack.append(a and b)
            elif ch == "|":
                b, a = _pop(stack), _pop(stack)
                stack.append(a or b)
            elif ch == ".":
                stack.append(_top(stack))
            i += 1
    return step


def compile_query(words: list[str]) -> Callable[[Row], bool] | None:
    """Turn the ?words of a print into a predicate (None when there are none)."""
    steps: list[Step] = []
    for word in words:
        body = word[1:]
        if body.startswith("#"):
            steps.append(_ops(body[1:]))
        elif body[:1] in ("<", ">", "="):
            op, rest = body[0], body[1:]
            key, sep, value = rest.partition("=")
            steps.append(_push_compare(op, key, value) if sep else _push_has(key, False))
        elif body.startswith("-"):
            steps.append(_push_has(body[1:], True))
        else:
            key, sep, value = body.partition("=")
            steps.append(_push_compare("=", key, value) if sep else _push_has(key, False))
    if not steps:
        return None

    def match(row: Row) -> bool:
        stack: list[bool] = []
        for step in steps:
            step(row, stack)
        return all(stack)
    return match
