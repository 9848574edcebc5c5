"""Why a router does not answer, in words an operator can act on.

Operators' most common support question is "why won't it connect". Each failed
probe names its cause and the exact RouterOS lines that fix it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from routers.choices import ProbeOutcome
from routers.routeros import errors
from routers.services.onboarding import CERTIFICATE_NAME as CERT
from routers.versions import MIN_VERSION, parse_version  # noqa: F401 (parse_version: callers)


@dataclass(frozen=True)
class Diagnosis:
    outcome: str
    error: str
    hint: str


def too_old(version: str) -> Diagnosis:
    return Diagnosis(
        ProbeOutcome.TOO_OLD,
        f"RouterOS {version} is older than {'.'.join(map(str, MIN_VERSION))}, "
        "the oldest version the product configures.",
        "Upgrade RouterOS on the router, then probe again:\n"
        "/system package update set channel=stable\n"
        "/system package update install",
    )


def _allowed_hint() -> str:
    listed = ", ".join(settings.MANAGEMENT_ADDRESSES)
    return (f" (this server's MANAGEMENT_ADDRESSES, which new initial scripts allow: {listed})"
            if listed else " (MANAGEMENT_ADDRESSES is not set on this server, so the initial "
            "script does not limit them)")


def diagnose(exc: Exception, *, host: str, port: int, username: str, use_tls: bool,
             timeout: float) -> Diagnosis:
    service = "api-ssl" if use_tls else "api"
    if isinstance(exc, errors.RouterAuthFailed):
        return Diagnosis(
            ProbeOutcome.LOGIN_REFUSED,
            f"The router answered but refused the login of {username!r}.",
            "The initial script has not been applied yet, or the token changed since. "
            "Paste the current initial script shown on this page into the router's "
            f"terminal. To check: /user print where name=\"{username}\"",
        )
    if isinstance(exc, errors.RouterCertificateChanged):
        return Diagnosis(
            ProbeOutcome.CERTIFICATE_CHANGED,
            f"{host}:{port} served a different api-ssl certificate than the one trusted at the "
            f"first probe (SHA-256 now {exc.served}, trusted {exc.pinned}). The product did "
            "not log in.",
            "If the router's certificate was renewed (re-applying the initial script makes a "
            "new one), check on the router that its fingerprint is the one shown here:\n"
            f"/certificate print detail where name=\"{CERT}\"\n"
            "then press \"Trust the new certificate\" on the router's page. If nobody changed "
            "it, something else may be answering in the router's place: do not trust it.",
        )
    if isinstance(exc, errors.RouterTLSError):
        return Diagnosis(
            ProbeOutcome.TLS,
            f"The TLS handshake with {host}:{port} failed: {exc}",
            "api-ssl needs a certificate on the router (the initial script makes one: "
            "apply it again), or the router closed the connection because this server's "
            f"address is not in api-ssl's allowed addresses{_allowed_hint()}. On the router:\n"
            f"/certificate add name={CERT} common-name={CERT} days-valid=3650\n"
            f"/certificate sign {CERT}\n"
            f"/ip service set api-ssl certificate={CERT} disabled=no\n"
            "/ip service print detail where name=\"api-ssl\"",
        )
    if isinstance(exc, errors.RouterClosedEarly):
        seen = f" This server connected from {exc.source}." if exc.source else ""
        return Diagnosis(
            ProbeOutcome.CLOSED,
            f"{host}:{port} accepted the connection and closed it before answering: the "
            f"{service} service does not accept this server's address.{seen}",
            f"The {service} service's allowed addresses (address=) must include the address "
            "the router sees this server connect from (after any NAT)"
            f"{_allowed_hint()}. Check on the router:\n"
            f"/ip service print detail where name=\"{service}\"\n"
            f"/ip service set {service} address=<this server's address>\n"
            "If the setting is wrong, correct MANAGEMENT_ADDRESSES on the server, restart "
            "it, issue a new token and apply the new initial script.",
        )
    if isinstance(exc, errors.RouterUnreachable) and exc.reason == "refused":
        return Diagnosis(
            ProbeOutcome.REFUSED,
            f"{host} refused the connection on port {port}.",
            f"The {service} service is off or listens on another port. On the router:\n"
            f"/ip service enable {service}\n"
            f"/ip service set {service} port={port}",
        )
    if isinstance(exc, errors.RouterUnreachable) and exc.reason == "dns":
        return Diagnosis(
            ProbeOutcome.ERROR,
            f"The name {host!r} does not resolve.",
            "Check the management host: use the router's IP address or a DNS name "
            "this server can resolve.",
        )
    if isinstance(exc, (errors.RouterUnreachable, errors.RouterTimeout)):
        return Diagnosis(
            ProbeOutcome.TIMEOUT,
            f"No answer from {host}:{port} within {timeout:g} s.",
            "The host is unreachable from this server, behind NAT, or a firewall or the "
            f"{service} service's allowed addresses drop the connection. On the router:\n"
            f"/ip service print detail where name=\"{service}\"\n"
            f"/ip service set {service} address=<this server's address>\n"
            f"/ip firewall filter add chain=input protocol=tcp dst-port={port} "
            "action=accept place-before=0 comment=\"Hotspot API\"",
        )
    if isinstance(exc, errors.RouterOSError):
        return Diagnosis(ProbeOutcome.ERROR, str(exc), "")
    return Diagnosis(ProbeOutcome.ERROR, f"Unexpected error: {type(exc).__name__}", "")
