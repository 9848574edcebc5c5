"""Live updates about routers: what is pushed to the list and the router's page."""

from hotspot import events
from routers.models import Router


def status_changed(router_id: int) -> None:
    """Push a router's new status badge to its page and to the routers list."""
    router = Router.objects.filter(pk=router_id).first()
    if router is None:
        return
    html = events.render_partial("routers/partials/status_badge.html", {"router": router, "oob": True})
    events.send_now(events.router_group(router.organization_id, router.pk), html)
    events.send_now(events.routers_group(router.organization_id), html)
