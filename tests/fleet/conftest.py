import pytest

from routers.choices import RouterStatus


@pytest.fixture
def sim_router(make_router):
    """A Router row pointing at a simulated router (admin, empty password), online."""

    def make(sim, name="site-1", **kw):
        kw.setdefault("status", RouterStatus.ONLINE)
        return make_router(name=name, host=sim.host, api_port=sim.port, api_username="admin",
                           config_token="", **kw)

    return make


def fill(sim, path, count, make_fields):
    """Add `count` items to a simulated router's menu; returns their .ids."""
    return [sim.add_item(path, **make_fields(i)) for i in range(count)]


def pool_fields(i):
    return {"name": f"pool-{i}", "ranges": f"10.{i // 256}.{i % 256}.2-10.{i // 256}.{i % 256}.254",
            "next-pool": "none", "comment": "hotspot:00ab12" if i % 10 == 0 else ""}


def secret_fields(i):
    return {"name": f"user-{i}", "password": f"pw-{i}-secret", "service": "pppoe",
            "profile": "default", "remote-address": f"100.64.{i // 256}.{i % 256}",
            "disabled": "false", "comment": ""}
