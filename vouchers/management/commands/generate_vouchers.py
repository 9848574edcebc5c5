from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from radius.models import RadiusServer
from routers.models import Router
from vouchers.models import VoucherProfile
from vouchers.services.generate import ALPHABETS, GenerationError, generate_batch


class Command(BaseCommand):
    help = "Generate a batch of vouchers; the RADIUS sync is enqueued on radius-sync."

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="Organization name")
        parser.add_argument("--profile", required=True, help="Profile name")
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--router", help="Router name (its RADIUS server is used)")
        parser.add_argument("--radius-server", help="RADIUS server name")
        parser.add_argument("--code-length", type=int, default=8)
        parser.add_argument("--alphabet", choices=list(ALPHABETS), default="upper")
        parser.add_argument("--separate-password", action="store_true")
        parser.add_argument("--prefix", default="")

    def handle(self, *args, **o):
        org = Organization.objects.filter(name=o["organization"]).first()
        if org is None:
            raise CommandError(f"No organization {o['organization']!r}")
        profile = VoucherProfile.objects.filter(organization=org, name=o["profile"]).first()
        router = server = None
        if o["router"]:
            router = Router.objects.filter(organization=org, name=o["router"]).first()
            if router is None:
                raise CommandError(f"No router {o['router']!r}")
        if o["radius_server"]:
            server = RadiusServer.objects.filter(organization=org, name=o["radius_server"]).first()
            if server is None:
                raise CommandError(f"No RADIUS server {o['radius_server']!r}")
        try:
            batch = generate_batch(org, profile, o["count"], router=router, radius_server=server,
                                   code_length=o["code_length"], alphabet=o["alphabet"],
                                   separate_password=o["separate_password"], prefix=o["prefix"])
        except GenerationError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Batch {batch.batch_id} (id {batch.pk}): {batch.count} vouchers, "
                          "sync enqueued")
