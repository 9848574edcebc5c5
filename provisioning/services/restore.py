"""Putting a router back exactly as a snapshot describes it (a deployment's rollback).

The snapshot (`before`) was read before the deployment changed anything. Restoring
converges the router on it, whatever point the deployment reached and whatever reply
was lost:
1. product items that are not in the snapshot (made by this deployment, including an
   add whose reply never came) are removed, dependents first;
2. snapshot items that are gone (an earlier deployment's items this one removed, and
   anything it recorded as removed) come back with their properties, in dependency
   order (pools before the profiles naming them), each at its place in ordered menus
   (`place-before` the item that followed it);
3. settings changed in place get their old values back;
4. ordered menus whose items are all there but in another order are put back in order
   (`move`).
Dynamic rows are RouterOS's own and never touched.
"""

from __future__ import annotations

from provisioning.services import compare
from provisioning.services.plan import MANAGED_MENUS, SINGLETONS, WATCHED_MENUS, is_managed
from routers.routeros.errors import RouterCommandError

# Properties a menu prints that `add`/`set` do not take (besides compare.VOLATILE).
READ_ONLY = {"/ip/address": {"network"}, "/file": {"type"},
             "/ip/hotspot/profile": {"default"}, "/ppp/profile": {"default"}}


SNAPSHOT_MENUS = (*MANAGED_MENUS, *WATCHED_MENUS, *SINGLETONS)
# Files RouterOS copies when a hotspot is first set up (its default servlet pages).
DEFAULT_PAGES = ("hotspot", "flash/hotspot")


def snapshot(api) -> dict:
    """What the menus the product touches hold now."""
    return api.print_many(SNAPSHOT_MENUS)  # one pipelined exchange: one round trip


def side_effect(path: str, row: dict) -> bool:
    """A static row RouterOS made by itself because of what the product made."""
    if path == "/file":
        name = row.get("name") or ""
        return any(name == d or name.startswith(d + "/") for d in DEFAULT_PAGES)
    return compare.is_side_effect(path, row)


def settable(path: str, row: dict) -> dict:
    params = {k: v for k, v in row.items()
              if k not in compare.VOLATILE and k not in READ_ONLY.get(path, ()) and v != ""}
    if path == "/file" and row.get("type") == "directory":
        params["type"] = "directory"  # `type` prints for every file; add takes only this
    return params


def restore(api, before: dict, removed_ids: set[tuple[str, str]]) -> None:
    """Make the router hold what `before` describes (see the module's docstring)."""
    now = snapshot(api)
    for path in reversed(SNAPSHOT_MENUS[:-len(SINGLETONS)]):
        known = {r.get(".id") for r in before.get(path, [])}
        # Deepest files first: a directory goes after what it holds.
        rows = sorted(now.get(path, []), key=lambda r: -len(r.get("name") or ""))
        for row in rows:
            if row.get(".id") in known or not compare.is_static(row):
                continue
            if is_managed(path, row) or side_effect(path, row):
                _remove(api, path, row[".id"])
    now = snapshot(api)
    for path in MANAGED_MENUS:
        _bring_back(api, path, before.get(path, []), now.get(path, []), removed_ids)
    for path in SINGLETONS:
        old = (before.get(path) or [{}])[0]
        current = (now.get(path) or [{}])[0]
        changed = {k: v for k, v in settable(path, old).items()
                   if compare.value(path, k, current.get(k)) != compare.value(path, k, v)}
        if changed:
            api.set(path, None, changed)
    for path in compare.ORDERED_MENUS & set(SNAPSHOT_MENUS):
        reorder(api, path, before.get(path, []))


def _remove(api, path: str, item_id: str) -> None:
    try:
        api.remove(path, item_id)
    except RouterCommandError:
        pass  # already gone: what matters is checked by the comparison afterwards


def _bring_back(api, path: str, before_rows: list[dict], now_rows: list[dict],
                removed_ids: set[tuple[str, str]]) -> None:
    present = {r.get(".id") for r in now_rows}
    static = [r for r in before_rows if compare.is_static(r)]
    missing = [r for r in static if r.get(".id") not in present
               and (is_managed(path, r) or (path, r.get(".id")) in removed_ids)]
    if not missing:
        return
    # Ids in the snapshot -> ids now (re-made items get new ones).
    ids = {r[".id"]: r[".id"] for r in static if r.get(".id") in present}
    ordered = path in compare.ORDERED_MENUS
    # Last first, each placed before the item that followed it in the snapshot; files:
    # a directory before the pages it holds.
    rows = (sorted(missing, key=lambda r: len(r.get("name") or "")) if path == "/file"
            else reversed(missing))
    for row in rows:
        params = settable(path, row)
        if ordered:
            after = static[static.index(row) + 1:]
            anchor = next((ids[r[".id"]] for r in after if r.get(".id") in ids), None)
            if anchor:
                params["place-before"] = anchor
        ids[row[".id"]] = api.add(path, params)


def reorder(api, path: str, before_rows: list[dict]) -> None:
    """Put the snapshot's static items back in the snapshot's order (matched by content)."""
    rows = api.print(path)
    wanted = [compare.comparable_row(path, r) for r in compare.relevant(path, before_rows)]
    current = [(compare.comparable_row(path, r), r[".id"]) for r in compare.relevant(path, rows)]
    pool: dict[tuple, list[str]] = {}
    for key, item_id in current:
        pool.setdefault(key, []).append(item_id)
    chain = [pool[key].pop(0) for key in wanted if pool.get(key)]
    if [i for _, i in current if i in set(chain)] == chain:
        return
    # Each item moved before the one that must follow it, last pair first.
    for item_id, following in reversed(list(zip(chain, chain[1:], strict=False))):
        api.run(f"{path}/move", {"numbers": item_id, "destination": following})
