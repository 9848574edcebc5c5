from django.core.management.base import BaseCommand

from vouchers.models import Voucher, VoucherBatch
from vouchers.services import sync


class Command(BaseCommand):
    help = "Sync pending vouchers to RADIUS now, in this process (all batches or --batch)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, help="Batch id")

    def handle(self, *args, batch=None, **options):
        pending = Voucher.objects.filter(radius_sync_status=Voucher.SyncStatus.PENDING)
        ids = [batch] if batch else sorted(set(pending.values_list("batch_id", flat=True)))
        for batch_obj in VoucherBatch.objects.filter(pk__in=ids):
            progress = sync.sync_batch(batch_obj)
            self.stdout.write(f"{batch_obj.batch_id}: {progress['synced']} synced, "
                              f"{progress['failed']} failed, {progress['pending']} pending")
