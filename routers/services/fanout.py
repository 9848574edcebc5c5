"""Reaching many routers at once: a bounded thread pool.

Jobs that touch many routers (probing, health checks, drift checks) read the
connection details (`connect.Reach`) from the database first, then talk to the routers
in threads that never touch the database, each bounded by its own timeout, so one slow
or dead router never delays the others beyond that timeout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def fan_out(work: Callable[[T], R], items: Iterable[T], parallel: int) -> list[R]:
    """`work(item)` for every item, at most `parallel` at a time; results in item order."""
    items = list(items)
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(parallel, len(items)))) as pool:
        return list(pool.map(work, items))
