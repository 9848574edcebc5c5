"""Commands on a router's state: print, add, set, remove, enable, disable, and friends.

Both the API session and the .rsc executor call execute(); whatever goes wrong
is raised as a Trap with RouterOS's own words.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from . import schema, validate
from .errors import NO_SUCH_ITEM, Trap, no_such_command, unknown_parameter
from .state import RouterState, Table

# Menus that exist on a real router but not in the command database we ship
# (it was generated on CHR): answered from the state's hardware facts.
EXTRA_READONLY = {"/system/routerboard"}
FILE_CONTENTS_LIMIT = 60 * 1024  # RouterOS shows contents up to 60 KB


@dataclass
class Result:
    rows: list[dict[str, str]] = field(default_factory=list)
    ret: str | None = None


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


def execute(state: RouterState, menu: str, command: str, args: dict[str, str],
            *, proplist: list[str] | None = None,
            query: Callable[[dict[str, str]], bool] | None = None,
            user: str = "admin", numbers: Ids | None = None) -> Result:
    """Run one command. ``numbers`` (already resolved ids) overrides =numbers=/=.id=."""
    if "/".join((menu, command)) in ("/system/routerboard/print",):
        return _print_rows([state.routerboard()], proplist, query)
    if command == "import" and menu == "":
        from . import rsc  # late: rsc imports this module

        return rsc.import_file(state, args, user)
    args = dict(args)
    if ".id" in args:
        args["numbers"] = args.pop(".id")
    table_args = schema.arguments(menu, command)
    if table_args is None:
        raise no_such_command(missing_word(menu, command))
    for key in args:
        if key not in table_args:
            raise unknown_parameter()
    if command == "print":
        return _print(state, menu, args, proplist, query)
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
    if numbers is None and command in ("set", "remove", "enable", "disable", "run"):
        word = args.get("numbers", args.get("number"))
        if word is None:
            wanted = "number" if command == "run" else "numbers"
            raise Trap(f"missing value(s) of argument(s) {wanted}")
        numbers = resolve_ids(table, word)
    args.pop("numbers", None)
    if command == "add":
        return Result(ret=add(state, menu, args, user))
    if command == "set":
        set_items(state, menu, numbers or [], args)
        return Result()
    if command in ("enable", "disable"):
        flag = "true" if command == "disable" else "false"
        for item_id in numbers or []:
            table.rows[item_id]["disabled"] = flag
        return Result()
    if command == "remove":
        remove(state, menu, numbers or [])
        return Result()
    if command == "run" and menu == "/system/script":
        from . import rsc

        output = []
        for item_id in numbers or []:
            row = table.rows[item_id]
            row["run-count"] = str(int(row.get("run-count", "0")) + 1)
            output.append(rsc.run_source(state, row.get("source", ""), user))
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
        if menu == "/file" and "file" in args and not state.at_least(7):
            _v6_print_to_file(state, args["file"])
        table = state.table(menu)
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
    if proplist is not None:
        rows = [{k: r[k] for k in proplist if k in r} for r in rows]
    return Result(rows=rows)


def _v6_print_to_file(state: RouterState, name: str) -> None:
    # RouterOS 6 has no /file/add: "print file=NAME" makes NAME.txt (luqasz/librouteros#72).
    table = state.table("/file")
    full = name if name.endswith(".txt") else name + ".txt"
    if table.by_key(full) is None:
        table.insert(_file_fields(full, ""))


def _file_fields(name: str, contents: str) -> dict[str, str]:
    suffix = name.rsplit(".", 1)[-1] if "." in name else ""
    kind = f".{suffix} file" if suffix in ("rsc", "txt") else "file"
    return {"name": name, "type": kind, "size": str(len(contents.encode())),
            "last-modified": time.strftime("%Y-%m-%d %H:%M:%S"), "contents": contents}


# -- add / set / remove -------------------------------------------------------------
def add(state: RouterState, menu: str, args: dict[str, str], user: str = "admin") -> str:
    table = state.table(menu)
    spec = table.spec
    if spec.readonly:
        raise no_such_command("add")
    if menu == "/file":
        if not state.at_least(7, 9):
            raise no_such_command("add")
        name = args.get("name", "")
        if table.by_key(name) is not None:
            raise Trap(spec.duplicate)
        return table.insert(_file_fields(name, args.get("contents", "")))
    fields = validate.normalize(menu, "add", args)
    if "copy-from" in fields:
        source = resolve_ids(table, fields.pop("copy-from"))
        base = {k: v for k, v in table.rows[source[0]].items() if k != "default"} if source else {}
        base.pop(spec.key or "", None)
        fields = {**base, **fields}
    required = (schema.command(menu, "add") or {}).get("r", [])
    missing = [r for r in required if r not in fields]
    if missing:
        raise Trap(f"missing value(s) of argument(s) {' '.join(missing)}")
    row = dict(fields)  # given fields first, as RouterOS prints them; then defaults
    for key, value in spec.defaults.items():
        row.setdefault(key, value)
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
    item_id = table.insert(row)
    if menu == "/interface/bridge":
        ifaces = state.table("/interface")
        ifaces.insert({"name": row["name"], "type": "bridge", "mtu": "auto", "actual-mtu": "1500",
                       "mac-address": state.mac_for(row["name"]), "running": "true",
                       "disabled": "false", "rx-byte": "0", "tx-byte": "0", "comment": ""})
    return item_id


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
                row.update(_file_fields(row["name"], fields["contents"]))
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
        # Items that referenced this one stay, as on RouterOS (which shows them invalid).
    if menu in ("/ip/hotspot/active", "/ppp/active") and state.nas is not None:
        state.nas.removed(menu, {})  # a removed session ends: its Accounting Stop goes out
