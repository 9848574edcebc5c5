"""Commands on a router's state: print, add, set, remove, enable, disable, move, and friends.

Both the API session and the .rsc executor call execute(); whatever goes wrong
is raised as a Trap with RouterOS's own words.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from . import dynamic, schema, validate, versions
from .errors import NO_SUCH_ITEM, Trap, no_such_command, not_enough_permissions, unknown_parameter
from .state import RouterState, Table

FILE_CONTENTS_LIMIT = 60 * 1024  # RouterOS shows contents up to 60 KB
WRITE_COMMANDS = frozenset({"add", "set", "remove", "enable", "disable", "move", "unset",
                            "reset-counters", "reset-counters-all", "sign", "comment"})
CHANGE_COMMANDS = frozenset({"set", "remove", "enable", "disable", "move", "unset", "comment"})
BRIDGE_MENUS = frozenset({"/interface/bridge", "/interface/bridge/port", "/interface"})


@dataclass
class Result:
    rows: list[dict[str, str]] = field(default_factory=list)
    ret: str | None = None
    no_reply: bool = False  # the router answers nothing (reboot)


Ids = list[str]


def resolve_ids(table: Table, numbers: str | Ids) -> Ids:
    """=.id=/=numbers= values: *ID, a name where the menu names items, or a print index."""
    if isinstance(numbers, list):
        return numbers
    ids: Ids = []
    order = list(table.rows)
    for word in filter(None, (w.strip() for w in numbers.split(","))):
        if word.startswith("*"):
            if word not in table.rows:
                raise Trap(NO_SUCH_ITEM)
            ids.append(word)
            continue
        found = table.by_key(word)
        if found is None and table.spec.path == "/interface":
            found = next((i for i, r in table.rows.items() if r.get("default-name") == word), None)
        if found is None and word.isdigit() and int(word) < len(order):
            found = order[int(word)]
        if found is None:
            raise Trap(NO_SUCH_ITEM)
        ids.append(found)
    return ids


def split_menu(word: str) -> tuple[str, str]:
    """ "/ip/pool/print" -> ("/ip/pool", "print"); "/import" -> ("", "import")."""
    menu, _, command = word.rstrip("/").rpartition("/")
    return menu, command


def missing_word(menu: str, command: str) -> str:
    """The first word of menu/command that the database does not know."""
    current = schema.root()
    for word in [w for w in menu.split("/") if w] + [command]:
        children = current.get("c") or {}
        if word not in children:
            return word
        current = children[word]
    return command


def check_policy(state: RouterState, user: str | None, menu: str, command: str) -> None:
    """The user's group must grant what the command needs (MikroTik's User page)."""
    if user is None:
        return
    granted = state.policies(user)
    if granted is None:
        return
    needed = set()
    if command == "print":
        needed.add("read")
    if command in WRITE_COMMANDS:
        needed.add("write")
        if menu == "/file":
            needed.add("ftp")  # "read/write/erase files"
        if menu.startswith("/user"):
            needed.add("policy")
    if (menu, command) == ("/system", "reboot"):
        needed.add("reboot")
    if not needed <= granted:
        raise not_enough_permissions()


def execute(state: RouterState, menu: str, command: str, args: dict[str, str],
            *, proplist: list[str] | None = None,
            query: Callable[[dict[str, str]], bool] | None = None,
            user: str | None = "admin", numbers: Ids | None = None) -> Result:
    """Run one command. ``numbers`` (already resolved ids) overrides =numbers=/=.id=."""
    if menu == "/system/routerboard":
        board = state.routerboard()
        if board is None:  # CHR and x86 have no RouterBOARD
            raise no_such_command("routerboard")
        if command != "print":
            raise no_such_command(command)
        return _print_rows([board], proplist, query)
    if command == "import" and menu == "":
        from . import rsc  # late: rsc imports this module

        return rsc.import_file(state, args, user or "admin")
    args = dict(args)
    table_args = schema.arguments(menu, command)
    if table_args is None:
        raise no_such_command(missing_word(menu, command))
    if ".id" in args:
        # =.id= names the item for any command; some take it as "number" (sign, run).
        single = "number" in table_args and "numbers" not in table_args
        args["number" if single else "numbers"] = args.pop(".id")
    for key in args:
        if key not in table_args:
            raise unknown_parameter()
    check_policy(state, user, menu, command)
    if command == "print":
        return _print(state, menu, args, proplist, query)
    if (menu, command) == ("/system", "reboot"):
        state.emit("reboot")
        return Result(no_reply=True)
    if menu == "/system/identity" and command == "set":
        if "name" in args:
            state.identity = args["name"]
        return Result()
    if schema.is_singleton(menu):
        if command != "set":
            raise no_such_command(command)
        state.singleton(menu).update(validate.normalize(menu, command, args))
        if menu == "/radius/incoming" and state.nas is not None:
            state.nas.incoming_changed()  # the NAS listens (or stops) for Disconnect/CoA
        return Result()
    table = state.table(menu)
    if numbers is None and command in ("set", "remove", "enable", "disable", "run", "move",
                                       "sign"):
        word = args.get("numbers", args.get("number"))
        if word is None:
            wanted = "number" if command in ("run", "sign") else "numbers"
            raise Trap(f"missing value(s) of argument(s) {wanted}")
        numbers = resolve_ids(table, word)
    args.pop("numbers", None)
    if command in CHANGE_COMMANDS:
        dynamic.refuse_change(table, numbers or [])
    if command == "add":
        item_id = add(state, menu, args, user or "admin")
        if menu == "/file" and not versions.supports(state.version_tuple, "file-add-ret"):
            return Result()
        return Result(ret=item_id)
    if command == "set":
        set_items(state, menu, numbers or [], args)
        return Result()
    if command in ("enable", "disable"):
        flag = "true" if command == "disable" else "false"
        for item_id in numbers or []:
            table.rows[item_id]["disabled"] = flag
        changed(state, menu)
        return Result()
    if command == "remove":
        remove(state, menu, numbers or [])
        return Result()
    if command == "move":
        move(state, menu, numbers or [], args.get("destination"))
        return Result()
    if command == "sign" and menu == "/certificate":
        from . import certs

        args.pop("number", None)
        for item_id in numbers or []:
            certs.sign(state, item_id, args)
        return Result()
    if command == "run" and menu == "/system/script":
        from . import rsc

        output = []
        for item_id in numbers or []:
            row = table.rows[item_id]
            row["run-count"] = str(int(row.get("run-count", "0")) + 1)
            output.append(rsc.run_source(state, row.get("source", ""), user or "admin"))
        text = "".join(output)
        return Result(ret=text or None)
    raise Trap(f"{command} is not supported by the simulator", 0)


# -- print ---------------------------------------------------------------------
def _print(state: RouterState, menu: str, args: dict[str, str],
           proplist: list[str] | None, query: Callable[[dict[str, str]], bool] | None) -> Result:
    if "proplist" in args:
        proplist = [p for p in args.pop("proplist").split(",") if p]
    if menu == "/system/resource":
        rows = [state.resource()]
    elif menu == "/system/identity":
        rows = [{"name": state.identity}]
    elif "proplist" not in (schema.arguments(menu, "print") or {}):
        # List menus take proplist/where in print; one-item menus (dns, aaa...) do not.
        rows = [dict(state.singleton(menu))]
    else:
        if menu == "/file" and "file" in args and \
                versions.supports(state.version_tuple, "print-to-file"):
            _v6_print_to_file(state, args["file"])
        table = state.table(menu)
        if menu in dynamic.FIREWALL:
            state.count_traffic(table)
        hidden = table.spec.hidden
        rows = []
        want_contents = proplist is None or "contents" in proplist
        for item_id, row in table.rows.items():
            out = {".id": item_id}
            out.update((k, v) for k, v in row.items() if k not in hidden)
            too_big = len(row.get("contents", "")) > FILE_CONTENTS_LIMIT
            if menu == "/file" and (not want_contents or too_big):
                out.pop("contents", None)
            rows.append(out)
    result = _print_rows(rows, proplist, query)
    if "count-only" in args:
        return Result(ret=str(len(result.rows)))
    return result


def _print_rows(rows: list[dict[str, str]], proplist: list[str] | None,
                query: Callable[[dict[str, str]], bool] | None) -> Result:
    if query is not None:
        rows = [r for r in rows if query(r)]
    # Real routers leave properties without a value out of the reply
    # (librouteros api_analysis: "/ip/service/print =.proplist=comment" gives bare !re).
    rows = [{k: v for k, v in r.items() if v != ""} for r in rows]
    if proplist is not None:
        rows = [{k: r[k] for k in proplist if k in r} for r in rows]
    return Result(rows=rows)


def _v6_print_to_file(state: RouterState, name: str) -> None:
    # RouterOS 6 has no /file/add: "print file=NAME" makes NAME.txt (luqasz/librouteros#72).
    table = state.table("/file")
    full = name if name.endswith(".txt") else name + ".txt"
    if table.by_key(full) is None:
        table.insert(_file_fields(full, ""))


def _file_fields(name: str, contents: str, kind: str | None = None) -> dict[str, str]:
    base = name.rsplit("/", 1)[-1]
    suffix = base.rsplit(".", 1)[-1] if "." in base else ""
    if kind is None:  # as /file print shows them: ".html file", ".rsc file", "file"
        kind = f".{suffix} file" if suffix else "file"
    fields = {"name": name, "type": kind, "last-modified": time.strftime("%Y-%m-%d %H:%M:%S")}
    if kind != "directory":
        fields.update({"size": str(len(contents.encode())), "contents": contents})
    return fields


# -- add / set / remove / move -----------------------------------------------------
def add(state: RouterState, menu: str, args: dict[str, str], user: str = "admin") -> str:
    table = state.table(menu)
    spec = table.spec
    if spec.readonly:
        raise no_such_command("add")
    if menu == "/file":
        return _add_file(state, args)
    fields = validate.normalize(menu, "add", args)
    before = fields.pop("place-before", None)
    before_id = resolve_ids(table, before)[0] if before else None
    if "copy-from" in fields:
        source = resolve_ids(table, fields.pop("copy-from"))
        base = {k: v for k, v in table.rows[source[0]].items()
                if k not in ("default", "dynamic")} if source else {}
        base.pop(spec.key or "", None)
        fields = {**base, **fields}
    required = (schema.command(menu, "add") or {}).get("r", [])
    missing = [r for r in required if r not in fields]
    if missing:
        raise Trap(f"missing value(s) of argument(s) {' '.join(missing)}")
    row = dict(fields)  # given fields first, as RouterOS prints them; then defaults
    for key, value in spec.defaults.items():
        row.setdefault(key, value)
    if menu == "/ip/hotspot/profile" and state.flash and "html-directory" not in fields:
        row["html-directory"] = "flash/hotspot"
    if spec.key and not row.get(spec.key) and spec.auto_name:
        row[spec.key] = _auto_name(table, spec.auto_name)
    if menu == "/system/script":
        row["owner"] = user
    validate.check_values(state, menu, row)
    validate.check_unique(table.rows, spec, row)
    if menu == "/interface/bridge":
        _check_interface_name(state, row["name"])
    if menu == "/ip/address":
        network = ipaddress.IPv4Interface(row["address"]).network
        row.setdefault("network", str(network.network_address))
        row["actual-interface"] = row["interface"]
    if "comment" in (schema.arguments(menu, "add") or {}):
        row.setdefault("comment", "")
    item_id = table.insert(row, before=before_id)
    if menu == "/interface/bridge":
        ifaces = state.table("/interface")
        ifaces.insert({"name": row["name"], "type": "bridge", "mtu": "auto", "actual-mtu": "1500",
                       "mac-address": row.get("admin-mac") or state.mac_for(row["name"]),
                       "running": "true", "slave": "false", "disabled": "false",
                       "rx-byte": "0", "tx-byte": "0", "comment": ""})
    if menu == dynamic.HOTSPOT:
        dynamic.hotspot_added(state)
        _hotspot_pages(state)
    changed(state, menu)
    return item_id


def _hotspot_pages(state: RouterState) -> None:
    """The default servlet pages, copied once into hotspot/ (flash/hotspot on flash boards)."""
    from . import hotspot_files

    base = hotspot_files.directory(state.flash)
    files = state.table("/file")
    if files.by_key(base) is not None:
        return
    entries = {base: None, **{f"{base}/{d}": None for d in hotspot_files.DIRECTORIES},
               **{f"{base}/{name}": text for name, text in hotspot_files.PAGES.items()}}
    for name in sorted(entries):
        text = entries[name]
        files.insert(_file_fields(name, text or "", "directory" if text is None else None))


def _add_file(state: RouterState, args: dict[str, str]) -> str:
    if not versions.supports(state.version_tuple, "file-add"):
        raise no_such_command("add")
    table = state.table("/file")
    name = args.get("name", "")
    if table.by_key(name) is not None:
        raise Trap(table.spec.duplicate)
    kind = "directory" if args.get("type") == "directory" else None
    return table.insert(_file_fields(name, args.get("contents", ""), kind))


def _auto_name(table: Table, prefix: str) -> str:
    n = 1
    names = {r.get(table.spec.key or "") for r in table.rows.values()}
    while f"{prefix}{n}" in names:
        n += 1
    return f"{prefix}{n}"


def _check_interface_name(state: RouterState, name: str, own: str | None = None) -> None:
    if name != own and state.table("/interface").by_key(name) is not None:
        raise Trap("failure: already have interface with such name")


def set_items(state: RouterState, menu: str, ids: Ids, args: dict[str, str]) -> None:
    table = state.table(menu)
    spec = table.spec
    fields = validate.normalize(menu, "set", args)
    if menu == "/file":
        for item_id in ids:
            row = table.rows[item_id]
            if "contents" in fields:
                row.update(_file_fields(row["name"], fields["contents"], row.get("type")))
            if "name" in fields:
                row["name"] = fields["name"]
        return
    # Validate every item first so a failing set changes nothing.
    for item_id in ids:
        merged = {**table.rows[item_id], **fields}
        validate.check_values(state, menu, fields)
        validate.check_unique(table.rows, spec, merged, own_id=item_id)
        if menu == "/interface/bridge" and "name" in fields:
            _check_interface_name(state, fields["name"], table.rows[item_id]["name"])
    for item_id in ids:
        row = table.rows[item_id]
        if menu == "/interface/bridge" and "name" in fields:
            iface = state.table("/interface").by_key(row["name"])
            if iface is not None:
                state.table("/interface").rows[iface]["name"] = fields["name"]
        row.update(fields)
        if menu == "/ip/address" and "address" in fields:
            row["network"] = str(ipaddress.IPv4Interface(row["address"]).network.network_address)
    changed(state, menu)


def remove(state: RouterState, menu: str, ids: Ids) -> None:
    table = state.table(menu)
    if schema.command(menu, "remove") is None:
        raise no_such_command("remove")
    for item_id in ids:
        row = table.rows[item_id]
        if row.get("default") == "true" or row.get("builtin") == "true":
            raise Trap("failure: can not remove default item")
    for item_id in ids:
        row = table.rows.pop(item_id)
        if menu == "/interface/bridge":
            iface = state.table("/interface").by_key(row["name"])
            if iface is not None:
                del state.table("/interface").rows[iface]
        if menu == "/certificate":
            state.cert_material.pop(item_id, None)
        # Items that referenced this one stay, as on RouterOS (which shows them invalid).
    if menu in ("/ip/hotspot/active", "/ppp/active") and state.nas is not None:
        state.nas.removed(menu, {})  # a removed session ends: its Accounting Stop goes out
    changed(state, menu)


def move(state: RouterState, menu: str, ids: Ids, destination: str | None) -> None:
    """``ids`` (in that order) just before ``destination``; no destination: to the end."""
    table = state.table(menu)
    before = resolve_ids(table, destination)[0] if destination else None
    table.move(ids, before)
    changed(state, menu)


def changed(state: RouterState, menu: str) -> None:
    """Whatever RouterOS derives from ``menu`` follows it (dynamic rows, bridge ports...)."""
    if menu in dynamic.WATCHED:
        dynamic.sync(state)
    if menu in BRIDGE_MENUS:
        state.refresh_links()
    if menu == "/ip/service":
        state.emit("service")
    if menu.startswith("/ip/hotspot"):
        state.emit("hotspot", menu=menu)
