"""One API connection's conversation: login, then command sentences in, reply sentences out."""

from __future__ import annotations

import hashlib
import secrets
import time

from . import engine, versions
from .errors import Trap, no_such_command
from .query import compile_query
from .state import RouterState

Sentence = list[str]

LOGIN_FAILED = "invalid user name or password (6)"
LEGACY_LOGIN_FAILED = "cannot log in"


class Session:
    def __init__(self, state: RouterState, refuse_login: bool = False, address: str = "",
                 via: str = "api") -> None:
        self.state = state
        self.refuse_login = refuse_login
        self.user: str | None = None
        self.challenge: bytes | None = None
        self.address = address  # the client's address, as /user/active shows it
        self.via = via
        self.active_id: str | None = None

    def close(self) -> None:
        """The connection is gone: the user's /user/active row goes with it."""
        if self.active_id is not None and self.state.has_table("/user/active"):
            self.state.table("/user/active").rows.pop(self.active_id, None)
        self.active_id = None

    def handle(self, words: Sentence, injected: Trap | None = None) -> tuple[list[Sentence], bool]:
        """Replies to one request, and whether to close the connection afterwards.

        ``injected`` is a fault-injection trap answered instead of running the command.
        """
        command = words[0]
        attrs: dict[str, str] = {}
        queries: list[str] = []
        tag: str | None = None
        proplist: list[str] | None = None
        for word in words[1:]:
            if word.startswith("="):
                key, sep, value = word[1:].partition("=")
                if key == ".proplist":
                    proplist = [p for p in value.split(",") if p]
                else:
                    attrs[key] = value  # "=key" alone means an empty value
            elif word.startswith("?"):
                queries.append(word)
            elif word.startswith(".tag="):
                tag = word[5:] or None  # an empty tag counts as none
        replies: list[Sentence] = []
        close = False
        try:
            if injected is not None:
                raise injected
            if command == "/quit":
                replies.append(["!fatal", "session terminated on request"])
                close = True
            elif command == "/login":
                replies.extend(self._login(attrs))
            elif self.user is None:
                raise Trap("not logged in")
            elif command == "/cancel":
                replies.append(["!done"])
            else:
                replies.extend(self._command(command, attrs, queries, proplist))
        except Trap as trap:
            replies = [*trap.sentences(), ["!done"]]
        except _NoReply:
            return [], True
        if tag is not None:
            # Real traces put .tag right after the reply word.
            replies = [[r[0], f".tag={tag}", *r[1:]] for r in replies]
        return replies, close

    def _login(self, attrs: dict[str, str]) -> list[Sentence]:
        name = attrs.get("name")
        if name is None and "response" not in attrs:
            # Bare /login: the pre-6.43 challenge. Routers answer it with =ret= even when
            # they later refuse the response (BenMenking/routeros-api#52).
            self.challenge = secrets.token_bytes(16)
            return [["!done", f"=ret={self.challenge.hex()}"]]
        name = name or ""
        password = self._password_of(name)
        if "response" in attrs:
            ok = (password is not None and self.challenge is not None
                  and versions.supports(self.state.version_tuple, "legacy-login")
                  and attrs["response"] == "00" + hashlib.md5(
                      b"\x00" + password.encode() + self.challenge).hexdigest())
        else:
            ok = password is not None and attrs.get("password", "") == password
        if not ok or self.refuse_login:
            raise Trap(LOGIN_FAILED)
        self.user = name
        if self.active_id is None:
            self.active_id = self.state.table("/user/active").insert({
                "when": time.strftime("%Y-%m-%d %H:%M:%S"), "name": name,
                "address": self.address, "via": self.via, "group": self._group_of(name),
                "radius": "false"})
        return [["!done"]]

    def _group_of(self, name: str) -> str:
        users = self.state.users()
        item = users.by_key(name)
        return users.rows[item].get("group", "") if item else ""

    def _password_of(self, name: str) -> str | None:
        users = self.state.users()
        item = users.by_key(name)
        if item is None:
            return None
        row = users.rows[item]
        if row.get("disabled") == "true":
            return None
        groups = self.state.table("/user/group")
        group = groups.by_key(row.get("group", ""))
        policy = groups.rows[group].get("policy", "").split(",") if group else []
        if "api" not in policy:
            return None  # a user without the api policy cannot use the API
        return row.get("password", "")

    def _command(self, word: str, attrs: dict[str, str], queries: list[str],
                 proplist: list[str] | None) -> list[Sentence]:
        menu, command = engine.split_menu(word)
        if not word.startswith("/") or not command:
            raise no_such_command(word)
        if queries and command != "print":
            raise Trap("unknown parameter")
        result = engine.execute(self.state, menu, command, attrs, proplist=proplist,
                                query=compile_query(queries), user=self.user or "")
        if result.no_reply:
            raise _NoReply  # e.g. /system/reboot: the router goes away without a word
        replies: list[Sentence] = []
        for row in result.rows:
            replies.append(["!re", *(f"={k}={v}" for k, v in row.items())])
        if command == "print" and not result.rows and result.ret is None \
                and versions.supports(self.state.version_tuple, "empty-reply"):
            # RouterOS 7.18 added "!empty" when a print returns nothing.
            replies.append(["!empty"])
        replies.append(["!done", f"=ret={result.ret}"] if result.ret is not None else ["!done"])
        return replies


class _NoReply(Exception):
    """The command is answered by silence and a closed connection."""
