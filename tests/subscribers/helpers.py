"""Shared helpers for subscriber tests."""

from subscribers.models import Plan
from subscribers.services.lifecycle import save_plan


def plan(org, name="10M", rate="2M/10M 4M/20M 1M/5M 10/10", pool="pppoe-pool", **kw) -> Plan:
    values = {"name": name, "rate_limit": rate, "address_pool": pool, **kw}
    if kw.get("addressing") == Plan.Addressing.STATIC:
        values["address_pool"] = ""
    return save_plan(org, values)
