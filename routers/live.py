"""Live updates about routers: what is pushed to the list and the router's page."""

from hotspot import events
from routers.models import Router


def status_changed(router: Router) -> None:
    """Push a router's new status badge to its page and to the routers list."""
    org = router.organization_id
    events.publish("routers/partials/status_badge.html", {"router": router},
                   events.router_group(org, router.pk), events.routers_group(org))
