"""Trust on first use for api-ssl: pin the router's certificate, refuse a changed one.

A router's api-ssl certificate is self-signed (the initial script makes it), so no CA
can vouch for it. The first successful probe pins its SHA-256 (`Router.tls_fingerprint`);
every later connection (routers.services.connect.client_for) refuses another certificate
before logging in (`RouterCertificateChanged`). The operator re-trusts after checking the
router (`retrust`): the pin is cleared and the next probe pins what the router serves.
Each change is recorded in the router's history.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from routers.choices import RouterStatus
from routers.models import Router, RouterEvent
from routers.routeros.client import fingerprint_text


class RetrustRefused(Exception):
    """The router cannot be re-trusted now (a message for the operator)."""


def pin(router: Router, fingerprint: str) -> bool:
    """Pin `fingerprint` if the router has no pin yet (call with the router row locked).

    Returns whether it pinned. Saves only the pin fields.
    """
    fingerprint = fingerprint_text(fingerprint)
    if not router.use_tls or router.tls_fingerprint or len(fingerprint) != 64:
        return False
    router.tls_fingerprint = fingerprint
    router.tls_pinned_at = timezone.now()
    router.save(update_fields=["tls_fingerprint", "tls_pinned_at", "updated_at"])
    RouterEvent.objects.create(
        router=router, kind=RouterEvent.Kind.CERTIFICATE,
        message=f"api-ssl certificate trusted on first use: SHA-256 {fingerprint}",
    )
    return True


def clear_pin(router: Router, reason: str, user=None) -> str:
    """Forget the pinned certificate (router row locked by the caller); returns the old pin."""
    old = router.tls_fingerprint
    router.tls_fingerprint = ""
    router.tls_pinned_at = None
    router.save(update_fields=["tls_fingerprint", "tls_pinned_at", "updated_at"])
    who = f" by {user}" if user is not None else ""
    RouterEvent.objects.create(
        router=router, kind=RouterEvent.Kind.CERTIFICATE,
        message=f"api-ssl certificate pin cleared{who}: {reason}"
                f"{f' (was SHA-256 {old})' if old else ''}; the next probe trusts the "
                "certificate the router serves then",
    )
    return old


@transaction.atomic
def retrust(router: Router, user=None) -> Router:
    """The operator trusts the router's new certificate: clear the pin and probe again."""
    from routers.services.probing import start_probing

    router = Router.objects.select_for_update().get(pk=router.pk)
    if not router.use_tls:
        raise RetrustRefused("This router does not use TLS; there is no certificate to trust.")
    if router.status == RouterStatus.PROVISIONING:
        raise RetrustRefused("The router is being deployed; re-trust its certificate when the "
                             "deployment finishes.")
    clear_pin(router, "the operator re-trusted the router's certificate", user)
    if router.status != RouterStatus.CONFIG_PENDING:
        start_probing(router, "probing to trust the router's certificate")
    return router
