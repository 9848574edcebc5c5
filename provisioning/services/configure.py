"""Stages 3-4: validated choices become a saved service configuration (plan + script)."""

from __future__ import annotations

from provisioning.forms import validate_choices
from provisioning.services.plan import build_plan
from provisioning.services.scripts import render_script
from radius.models import RadiusServer
from routers.choices import ConfigKind
from routers.models import RouterConfig
from routers.routeros.quoting import check_script
from routers.services.discovery import discover


class ScriptCheckFailed(Exception):
    """The generated script did not pass routeros-lsp; nothing was saved."""


def generate_service_config(router, data, user=None) -> tuple[RouterConfig | None, dict]:
    """Validate `data` against the router and save the plan and script (or return errors)."""
    facts = discover(router)
    servers = RadiusServer.objects.filter(organization_id=router.organization_id)
    choices, errors = validate_choices(data, facts, servers)
    if errors:
        return None, errors
    radius = None
    if choices.get("radius"):
        radius = servers.get(pk=choices["radius"]["server_id"])
    plan = build_plan(choices, radius)
    script = render_script(plan)
    findings = check_script(script)
    if findings:  # a bug in the generator, never the operator's fault: refuse to save it
        raise ScriptCheckFailed("; ".join(findings[:5]))
    config = RouterConfig.objects.create(router=router, kind=ConfigKind.SERVICE, script=script,
                                         plan=plan.to_dict(), created_by=user)
    if radius is not None and router.radius_server_id != radius.pk:
        router.radius_server = radius
        router.save(update_fields=["radius_server", "updated_at"])
    return config, {}


def latest_service_config(router) -> RouterConfig | None:
    return router.configs.filter(kind=ConfigKind.SERVICE).first()
