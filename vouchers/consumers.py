from hotspot import events
from hotspot.consumers import HtmlPushConsumer
from vouchers.models import VoucherBatch


class BatchConsumer(HtmlPushConsumer):
    """A batch page's live sync progress."""

    def get_groups(self, org_id):
        batch_id = self.scope["url_route"]["kwargs"]["batch_id"]
        if not VoucherBatch.objects.filter(pk=batch_id, organization_id=org_id).exists():
            return None
        return [events.batch_group(org_id, batch_id)]
