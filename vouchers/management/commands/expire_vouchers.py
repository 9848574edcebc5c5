from django.core.management.base import BaseCommand

from vouchers.services import lifecycle


class Command(BaseCommand):
    help = "Read usage from RADIUS, expire vouchers past their expiry, enqueue their removal."

    def add_arguments(self, parser):
        parser.add_argument("--skip-usage", action="store_true",
                            help="Do not read accounting first.")

    def handle(self, *args, skip_usage=False, **options):
        if not skip_usage:
            for batch in lifecycle.batches_in_use():
                lifecycle.refresh_usage(batch)
        count = lifecycle.expire_vouchers()
        self.stdout.write(f"{count} vouchers expired; removal from RADIUS enqueued")
