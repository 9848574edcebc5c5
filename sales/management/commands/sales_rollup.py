from django.core.management.base import BaseCommand

from accounts.models import Organization
from sales.services import rollup


class Command(BaseCommand):
    help = "Count the sales roll-up and stock again from the facts (every organization)."

    def handle(self, *args, **options):
        for org in Organization.objects.all():
            rollup.rebuild(org.pk)
            self.stdout.write(f"{org.name}: rebuilt")
