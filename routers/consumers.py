from hotspot import events
from hotspot.consumers import HtmlPushConsumer
from routers.models import Router


class RouterListConsumer(HtmlPushConsumer):
    """Live status badges on the routers list."""

    def get_groups(self, org_id):
        return [events.routers_group(org_id)]


class RouterConsumer(HtmlPushConsumer):
    """One router's page and wizard: status, probe attempts, deployment progress."""

    def get_groups(self, org_id):
        router_id = self.scope["url_route"]["kwargs"]["router_id"]
        if not Router.objects.filter(pk=router_id, organization_id=org_id).exists():
            return None
        return [events.router_group(org_id, router_id)]
