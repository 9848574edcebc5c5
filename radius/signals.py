"""Keep each RADIUS server's NAS list current when routers or the server change."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from hotspot.jobs import enqueue
from radius.models import RadiusServer
from routers.models import Router

NAS_FIELDS = {"radius_server", "host", "name"}


def _enqueue(server_ids) -> None:
    from radius import jobs

    for server_id in {s for s in server_ids if s}:
        enqueue(jobs.sync_nas, server_id)


@receiver(pre_save, sender=Router, dispatch_uid="radius-router-before")
def remember_server(sender, instance, update_fields=None, **kwargs):
    instance._radius_nas_before = None
    if instance.pk and (update_fields is None or NAS_FIELDS & set(update_fields)):
        before = Router.objects.filter(pk=instance.pk).values("radius_server_id", "host",
                                                               "name").first()
        instance._radius_nas_before = before


@receiver(post_save, sender=Router, dispatch_uid="radius-router-nas")
def router_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields is not None and not NAS_FIELDS & set(update_fields)):
        return
    before = getattr(instance, "_radius_nas_before", None) or {}
    now = {"radius_server_id": instance.radius_server_id, "host": instance.host,
           "name": instance.name}
    if created or before != now:
        _enqueue([before.get("radius_server_id"), instance.radius_server_id])


@receiver(post_delete, sender=Router, dispatch_uid="radius-router-gone")
def router_deleted(sender, instance, **kwargs):
    _enqueue([instance.radius_server_id])


@receiver(post_save, sender=RadiusServer, dispatch_uid="radius-server-nas")
def server_saved(sender, instance, raw=False, **kwargs):
    # The secret may have changed (it is write-only, so any save may carry a new one).
    if not raw:
        _enqueue([instance.pk])
