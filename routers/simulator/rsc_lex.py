"""Lexer for the .rsc subset the product generates (and RouterOS exports).

Turns script text into commands, each a list of tokens with line/column
positions, decoding quoted strings exactly as RouterOS does. Any construct we
do not understand is a syntax error, so an import never half-understands a line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Trap

SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "$": "$", "?": "?", "_": " ", "n": "\n", "r": "\r",
                  "t": "\t", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
HEX = "0123456789ABCDEF"
STOP = set(" \t\r\n;\"[]")


def syntax_error(line: int, col: int) -> Trap:
    # CLI wording (alsyundawy/mikrotik-blacklist#5); the API text is unverified.
    return Trap(f"Script Error: syntax error (line {line} column {col})")


@dataclass
class Token:
    kind: str  # "word", "kv", "string", "find"
    text: str  # word text, key for kv, decoded value for strings
    line: int
    col: int
    value: Token | None = None  # for kv: the value token
    inner: list[Token] = field(default_factory=list)  # for find: tokens inside [ ]


class Lexer:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.line = 1
        self.col = 1

    # -- character access with line continuations ---------------------------------
    def _at_continuation(self) -> bool:
        s, i = self.s, self.i
        return s[i : i + 1] == "\\" and s[i + 1 : i + 2] in ("\n", "\r")

    def _skip_continuations(self) -> None:
        # A backslash at the end of a line joins the next line; its indent is dropped.
        while self._at_continuation():
            self._advance()
            if self.s[self.i : self.i + 1] == "\r":
                self._advance()
            if self.s[self.i : self.i + 1] == "\n":
                self._advance()
            while self.s[self.i : self.i + 1] in (" ", "\t") and self.i < len(self.s):
                self._advance()

    def _peek(self) -> str:
        self._skip_continuations()
        return self.s[self.i : self.i + 1]

    def _advance(self) -> str:
        ch = self.s[self.i]
        self.i += 1
        if ch == "\n":
            self.line += 1
            self.col = 1
        else:
            self.col += 1
        return ch

    def error(self) -> Trap:
        return syntax_error(self.line, self.col)

    # -- commands -------------------------------------------------------------------
    def commands(self) -> list[list[Token]]:
        result: list[list[Token]] = []
        current: list[Token] = []
        while True:
            ch = self._peek()
            if ch == "":
                break
            if ch in " \t\r":
                self._advance()
            elif ch in "\n;":
                self._advance()
                if current:
                    result.append(current)
                    current = []
            elif ch == "#" and not current:
                while self.s[self.i : self.i + 1] not in ("", "\n"):
                    self._advance()
            else:
                current.append(self._token())
        if current:
            result.append(current)
        return result

    def _token(self) -> Token:
        line, col = self.line, self.col
        ch = self._peek()
        if ch == '"':
            return Token("string", self._string(), line, col)
        if ch == "[":
            return self._bracket()
        if ch in "]":
            raise self.error()
        text = self._bare()
        key, sep, rest = text.partition("=")
        if sep and key:
            if rest:
                return Token("kv", key, line, col, value=Token("word", rest, line, col))
            nxt = self._peek()
            vline, vcol = self.line, self.col
            if nxt == '"':
                value = Token("string", self._string(), vline, vcol)
            elif nxt == "[":
                value = self._bracket()
            else:
                value = Token("word", "", vline, vcol)
            return Token("kv", key, line, col, value=value)
        return Token("word", text, line, col)

    def _bare(self) -> str:
        out = bytearray()
        while True:
            ch = self._peek()
            if ch == "" or ch in STOP:
                break
            if ch == "$":
                raise self.error()  # variable expansion: not in the product's subset
            if ch == "\\":
                self._escape(out)
                continue
            out += self._advance().encode("utf-8")
        if self._peek() == '"' and out and not out.endswith(b"="):
            raise self.error()
        return out.decode("utf-8", "replace")

    def _string(self) -> str:
        self._advance()  # opening quote
        out = bytearray()
        while True:
            if self.i >= len(self.s):
                raise self.error()  # unterminated string
            ch = self.s[self.i]
            if ch == '"':
                self._advance()
                return out.decode("utf-8", "replace")
            if ch == "\\":
                if self._at_continuation():
                    self._skip_continuations()
                    continue
                self._escape(out)
            elif ch == "$":
                raise self.error()  # "$x" or "$[...]" would expand on a router
            elif ch == "\n":
                raise self.error()
            else:
                out += self._advance().encode("utf-8")

    def _escape(self, out: bytearray) -> None:
        self._advance()  # the backslash
        ch = self.s[self.i : self.i + 1]
        pair = self.s[self.i : self.i + 2]
        if len(pair) == 2 and pair[0] in HEX and pair[1] in HEX:
            self._advance()
            self._advance()
            out.append(int(pair, 16))
        elif ch in SIMPLE_ESCAPES:
            self._advance()
            out += SIMPLE_ESCAPES[ch].encode()
        else:
            raise self.error()

    def _bracket(self) -> Token:
        line, col = self.line, self.col
        self._advance()  # [
        inner: list[Token] = []
        while True:
            ch = self._peek()
            if ch == "":
                raise self.error()
            if ch in " \t\r":
                self._advance()
            elif ch == "]":
                self._advance()
                return Token("find", "", line, col, inner=inner)
            elif ch in "\n;":
                raise self.error()
            else:
                inner.append(self._token())


def lex(text: str) -> list[list[Token]]:
    return Lexer(text).commands()
