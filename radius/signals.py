"""Keep each RADIUS server's NAS list current when routers or the server change, and
this installation's agent in step with each server's token."""

import logging

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from hotspot.jobs import enqueue
from radius import scopes
from radius.models import RadiusServer
from routers.models import Router

log = logging.getLogger(__name__)

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
    if raw:
        return
    try:
        scopes.register_local(instance)
    except scopes.TokenError:
        # Two servers given the same token by hand: the first keeps it.
        log.warning("RADIUS server %s: its agent token grants another scope here", instance.pk)
    # The secret may have changed (it is write-only, so any save may carry a new one).
    _enqueue([instance.pk])


@receiver(post_delete, sender=RadiusServer, dispatch_uid="radius-server-gone")
def server_deleted(sender, instance, **kwargs):
    scopes.forget_local(instance)
