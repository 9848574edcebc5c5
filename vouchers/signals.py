"""Every organization, including those created later, gets the default profiles."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Organization
from vouchers.services.profiles import create_default_profiles


@receiver(post_save, sender=Organization, dispatch_uid="vouchers-default-profiles")
def give_default_profiles(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        create_default_profiles(instance)
