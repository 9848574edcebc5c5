"""Create the first operator of a fresh install and print its one-time password."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from accounts.services import create_operator, default_organization


class Command(BaseCommand):
    help = "Create the first operator (admin) if no user exists yet, and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        users = get_user_model().objects
        if users.exists():
            names = list(users.filter(is_active=True).order_by("username")
                         .values_list("username", flat=True)[:5])
            shown = ", ".join(names) if names else "none active"
            self.stdout.write(
                f"Log in with your existing operator account ({shown}).\n"
                "Lost the password? Set a new one with:  make password OPERATOR=<user name>\n"
                "(the same as: python manage.py changepassword <user name>)")
            return
        _, password = create_operator(username, default_organization(), superuser=True)
        self.stdout.write(
            f"First operator created. Log in as {username!r} with password {password!r} "
            "(shown once; change it under Admin > Users)."
        )
