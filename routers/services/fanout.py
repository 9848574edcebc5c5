"""Reaching many routers at once: what each thread needs, and a bounded thread pool.

Jobs that touch many routers (probing, health checks, drift checks) read the
connection details from the database first, then talk to the routers in threads
that never touch the database, each bounded by its own timeout, so one slow or
dead router never delays the others beyond that timeout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from routers.routeros.client import RouterOSClient

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Reach:
    """How to reach and log in to one router (read before the threads start)."""

    router_id: int
    host: str
    port: int
    username: str
    password: str
    use_tls: bool

    # Router fields, in this order, for values_list() queries.
    FIELDS = ("pk", "host", "api_port", "api_username", "config_token", "use_tls")

    @classmethod
    def of(cls, router) -> Reach:
        return cls(router.pk, router.host, router.api_port, router.api_username,
                   router.config_token, router.use_tls)

    def client(self, timeout: float, command_timeout: float | None = None) -> RouterOSClient:
        return RouterOSClient(self.host, self.port, self.username, self.password,
                              use_tls=self.use_tls, timeout=timeout,
                              command_timeout=command_timeout)


def fan_out(work: Callable[[T], R], items: Iterable[T], parallel: int) -> list[R]:
    """`work(item)` for every item, at most `parallel` at a time; results in item order."""
    items = list(items)
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(parallel, len(items)))) as pool:
        return list(pool.map(work, items))
