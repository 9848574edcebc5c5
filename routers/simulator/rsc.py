"""Parse and run .rsc scripts: /import, /system/script/run, and tests' import_script().

As on RouterOS 7 the whole file is parsed first: a syntax error (unknown menu,
unknown command or parameter, unterminated string, a `$` that would expand a
variable) applies nothing. Then lines run in order; a line that traps stops
the script, leaving the lines before it applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import engine, schema, validate, versions
from .errors import Trap
from .rsc_lex import Token, lex, syntax_error
from .state import RouterState

NOOP_COMMANDS = {":log", ":delay"}


@dataclass
class Find:
    menu: str
    where: list[tuple[str, str]]


Value = str | Find


@dataclass
class Line:
    line: int
    menu: str
    command: str
    args: dict[str, Value] = field(default_factory=dict)
    positional: list[Value] = field(default_factory=list)
    put: str | None = None


def _children(path: str) -> dict:
    node = schema.node(path) if path else schema.root()
    return (node or {}).get("c", {})


def _walk(context: str, tokens: list[Token]) -> tuple[str, str, int]:
    """Find the menu and command a line names; returns (menu, command, tokens used)."""
    first = tokens[0]
    words = []
    if first.kind != "word":
        raise syntax_error(first.line, first.col)
    menu = context
    if first.text.startswith("/"):
        menu = ""
        words = [(w, first) for w in first.text.split("/") if w]
    else:
        words = [(first.text, first)]
    used = 1
    pending = list(words)
    while True:
        while pending:
            word, tok = pending.pop(0)
            node = _children(menu).get(word)
            if node is None:
                raise syntax_error(tok.line, tok.col)
            if node.get("k"):
                if pending:
                    raise syntax_error(tok.line, tok.col)
                return menu, word, used
            menu = f"{menu}/{word}"
        if used >= len(tokens) or tokens[used].kind != "word" or "=" in tokens[used].text:
            return menu, "", used
        tok = tokens[used]
        node = _children(menu).get(tok.text)
        if node is None:
            raise syntax_error(tok.line, tok.col)
        pending = [(tok.text, tok)]
        used += 1


def _arg_name(table: dict, token: Token) -> str:
    if token.text in table:
        return token.text
    candidates = [name for name in table if name.startswith(token.text)]
    if len(candidates) == 1:
        return candidates[0]  # RouterOS accepts an unambiguous prefix
    raise syntax_error(token.line, token.col)


def _value(menu: str, token: Token) -> Value:
    if token.kind == "find":
        return _find(menu, token)
    return token.text


def _find(menu: str, token: Token) -> Find:
    inner = list(token.inner)
    target = menu
    if inner and inner[0].kind == "word" and inner[0].text.startswith("/"):
        sub, command, used = _walk("", inner)
        if command != "find":
            raise syntax_error(token.line, token.col)
        target, inner = sub, inner[used:]
    elif inner and inner[0].kind == "word" and inner[0].text == "find":
        inner = inner[1:]
    else:
        raise syntax_error(token.line, token.col)
    where: list[tuple[str, str]] = []
    for tok in inner:
        if tok.kind == "word" and tok.text in ("where", "and"):
            continue
        if tok.kind != "kv" or tok.value is None or tok.value.kind == "find":
            raise syntax_error(tok.line, tok.col)
        where.append((tok.text, tok.value.text))
    return Find(target, where)


def parse(text: str) -> list[Line]:
    """The whole script as commands, or a Trap for the first syntax error."""
    context = ""
    lines: list[Line] = []
    for tokens in lex(text):
        first = tokens[0]
        if first.kind == "word" and first.text.startswith(":"):
            if first.text == ":put":
                rest = " ".join(t.text for t in tokens[1:] if t.kind in ("word", "string"))
                lines.append(Line(first.line, "", ":put", put=rest))
            elif first.text not in NOOP_COMMANDS:
                raise syntax_error(first.line, first.col)
            continue
        menu, command, used = _walk(context, tokens)
        if not command:
            if used < len(tokens):
                tok = tokens[used]
                raise syntax_error(tok.line, tok.col)
            context = menu  # a bare path line changes the current menu
            continue
        table = schema.arguments(menu, command) or {}
        line = Line(first.line, menu, command)
        for tok in tokens[used:]:
            if tok.kind == "kv":
                assert tok.value is not None
                line.args[_arg_name(table, tok)] = _value(menu, tok.value)
            else:
                if not any(k in table for k in ("numbers", "number", "file-name")):
                    raise syntax_error(tok.line, tok.col)
                line.positional.append(_value(menu, tok))
        lines.append(line)
    return lines


def _resolve(state: RouterState, find: Find) -> list[str]:
    if schema.is_singleton(find.menu):
        return []
    table = state.table(find.menu)
    wanted = [(k, validate.TRUE_WORDS.get(v, v)) for k, v in find.where]
    return [item_id for item_id, row in table.rows.items()
            if all(row.get(k, "") == v for k, v in wanted)]


def _run_line(state: RouterState, line: Line, user: str) -> str | None:
    if line.command == ":put":
        return line.put
    args: dict[str, str] = {}
    numbers: list[str] | None = None
    for key, value in line.args.items():
        if isinstance(value, Find):
            ids = _resolve(state, value)
            if key in ("numbers", "number"):
                numbers = (numbers or []) + ids
            else:
                args[key] = ",".join(ids)
        else:
            args[key] = value
    table_args = schema.arguments(line.menu, line.command) or {}
    for value in line.positional:
        if isinstance(value, Find):
            numbers = (numbers or []) + _resolve(state, value)
        elif "numbers" in table_args or "number" in table_args:
            table = state.table(line.menu)
            numbers = (numbers or []) + engine.resolve_ids(table, value)
        else:
            args["file-name"] = value
    if numbers is not None and not numbers and line.command in ("set", "remove", "enable",
                                                                "disable", "run"):
        return None  # [find ...] matched nothing: RouterOS does nothing, quietly
    result = engine.execute(state, line.menu, line.command, args, user=user, numbers=numbers)
    return result.ret if line.command == "run" else None


def run_source(state: RouterState, text: str, user: str = "admin", dry_run: bool = False) -> str:
    """Parse, then run line by line. Returns what :put printed."""
    lines = parse(text)
    if dry_run:
        return ""
    output: list[str] = []
    for line in lines:
        printed = _run_line(state, line, user)
        if printed:
            output.append(printed)
    return "\n".join(output)


def import_file(state: RouterState, args: dict[str, str], user: str) -> engine.Result:
    known = schema.arguments("", "import") or {}
    for key in args:
        if key not in known or (key == "dry-run" and not versions.supports(
                state.version_tuple, "import-dry-run")):
            raise Trap("unknown parameter")
    name = args.get("file-name", "")
    files = state.table("/file")
    file_id = files.by_key(name)
    if file_id is None:
        raise Trap("no such file")
    run_source(state, files.rows[file_id].get("contents", ""), user,
               dry_run="dry-run" in args)
    return engine.Result()
