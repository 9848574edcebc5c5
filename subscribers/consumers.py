from hotspot.consumers import HtmlPushConsumer
from subscribers.services.runs import group


class RunsConsumer(HtmlPushConsumer):
    """Live progress of the organization's subscriber runs (migration, bulk actions)."""

    def get_groups(self, org_id):
        return [group(org_id)]
