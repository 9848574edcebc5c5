"""Which wizard stage a router is at, derived from its status and records."""

from routers.choices import ConfigKind, RouterStatus

S = RouterStatus


def stage_of(router) -> int:
    if router.status in (S.CONFIG_PENDING, S.PROBING, S.CONNECTION_FAILED):
        return 2 if router.status != S.CONFIG_PENDING else 1
    if router.status in (S.PROVISIONING, S.ACTIVE, S.FAILED):
        return 5
    if router.configs.filter(kind=ConfigKind.SERVICE).exists():
        return 4
    return 3
