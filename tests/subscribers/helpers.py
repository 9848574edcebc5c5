"""Shared helpers for subscriber tests."""

from subscribers.models import Plan
from subscribers.services.lifecycle import save_plan


def plan(org, name="10M", rate="2M/10M 4M/20M 1M/5M 10/10", pool="pppoe-pool", **kw) -> Plan:
    values = {"name": name, "rate_limit": rate, "address_pool": pool, **kw}
    if kw.get("addressing") == Plan.Addressing.STATIC:
        values["address_pool"] = ""
    return save_plan(org, values)


# Names RouterOS takes for PPP secrets and operators really use; every kind appears.
AWKWARD = ("o'neil-{i}", "${i}$", "Jürgen-{i}", "客户{i}", "semi;{i}", "user {i}",
           'say"{i}"', "tab\\{i}", "a@b.c{i}", "{i}%d&(x)")


def awkward_name(i: int) -> str:
    return AWKWARD[i % len(AWKWARD)].format(i=i)


def fill_ppp(sim, count: int, *, queues: int = 10) -> None:
    """A router as an ISP has it: pools, PPP profiles with rate limits, `count` secrets
    with awkward names (some disabled, some with a static address or caller-id), and a
    few simple queues."""
    sim.add_item("/ip/pool", name="pool-gold", ranges="100.64.0.2-100.64.31.254")
    sim.add_item("/ip/pool", name="pool-silver", ranges="100.65.0.2-100.65.31.254")
    sim.add_item("/ppp/profile", name="gold", **{
        "rate-limit": "4M/20M 8M/40M 2M/10M 16/16", "local-address": "100.64.0.1",
        "remote-address": "pool-gold"})
    sim.add_item("/ppp/profile", name="silver", **{
        "rate-limit": "2M/10M", "local-address": "100.65.0.1",
        "remote-address": "pool-silver"})
    for i in range(count):
        fields = {"name": awkward_name(i), "password": f"pw'{i}\"$", "service": "pppoe",
                  "profile": ("gold", "silver", "default")[i % 3], "comment": f"customer {i}",
                  "disabled": "true" if i % 50 == 7 else "false"}
        if i % 3 == 2:
            fields["remote-address"] = f"100.66.{i // 256}.{i % 256}"
        if i % 40 == 5:
            fields["caller-id"] = f"AA:BB:CC:00:{i // 256:02X}:{i % 256:02X}"
        sim.add_item("/ppp/secret", **fields)
    for i in range(queues):
        sim.add_item("/queue/simple", name=f"q-{awkward_name(i)}",
                     target=f"100.66.0.{i}/32", **{"max-limit": "1M/5M",
                                                   "comment": f"customer {i}"})
