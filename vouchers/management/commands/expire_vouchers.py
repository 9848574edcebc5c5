from django.core.management.base import BaseCommand

from vouchers.services import lifecycle


class Command(BaseCommand):
    help = ("Read accounting from every RADIUS server, then expire vouchers past their expiry "
            "and enqueue their removal.")

    def add_arguments(self, parser):
        parser.add_argument("--skip-usage", action="store_true",
                            help="Do not read accounting first.")

    def handle(self, *args, skip_usage=False, **options):
        if not skip_usage:
            from accounting.services import feed
            from radius.models import RadiusServer

            for server in RadiusServer.objects.filter(is_active=True):
                feed.pull(server)
        count = lifecycle.expire_vouchers()
        self.stdout.write(f"{count} vouchers expired; removal from RADIUS enqueued")
