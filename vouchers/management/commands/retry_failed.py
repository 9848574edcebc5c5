from django.core.management.base import BaseCommand

from vouchers.models import VoucherBatch
from vouchers.services import lifecycle


class Command(BaseCommand):
    help = "Mark failed vouchers pending again and enqueue their sync (all batches or --batch)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, help="Batch id")

    def handle(self, *args, batch=None, **options):
        if batch:
            count = lifecycle.retry_failed(VoucherBatch.objects.get(pk=batch))
        else:
            count = lifecycle.retry_all_failed()
        self.stdout.write(f"{count} failed vouchers queued for sync")
