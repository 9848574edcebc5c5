"""Is a RADIUS server working? The Test button's checks and the last syncs' health.

The checks, in the order an operator fixes them: the agent answers at its URL, it takes
this server's token, it holds a NAS row for every router using the server, and FreeRADIUS
answers a Status-Server request (RFC 5997) on the auth port.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from pyrad import packet
from pyrad.client import Client, Timeout

from radius.client import AgentClient, AgentError
from radius.coa import dictionary
from radius.models import RadiusServer
from radius.nas import nas_clients

OK, FAILED, WARNING, SKIPPED = "ok", "failed", "warning", "skipped"
# The Test button waits for these at most (a dead host must not hold the page for long).
AGENT_TIMEOUT = 5.0
STATUS_TIMEOUT, STATUS_RETRIES = 1.5, 1


@dataclass
class Check:
    name: str
    result: str  # OK, FAILED, WARNING or SKIPPED
    detail: str


def test_server(server: RadiusServer) -> list[Check]:
    """Run every check; a check whose precondition failed is skipped, not run."""
    checks: list[Check] = []
    agent_rows = _check_agent(server, checks)
    if agent_rows is None:
        checks.append(Check("NAS rows", SKIPPED, "Needs the agent and its token."))
    else:
        checks.append(_check_nas(server, agent_rows))
    checks.append(status_server(server.host, server.auth_port, server.nas_secret))
    return checks


def _check_agent(server, checks) -> list | None:
    client = AgentClient(server.agent_url, server.agent_token,
                         min(AGENT_TIMEOUT, settings.RADIUS_AGENT_TIMEOUT))
    try:
        rows = client.request("GET", "nas/").get("nas")
    except AgentError as exc:
        from vouchers.services.failures import describe

        if exc.status is None:
            checks.append(Check("Agent reachable", FAILED, describe(str(exc))))
            checks.append(Check("Token accepted", SKIPPED, "Needs the agent."))
        elif exc.status == 401:
            checks.append(Check("Agent reachable", OK, f"{server.agent_url} answers."))
            checks.append(Check("Token accepted", FAILED, describe(str(exc))))
        else:
            checks.append(Check("Agent reachable", FAILED, describe(str(exc))))
            checks.append(Check("Token accepted", SKIPPED, "Needs the agent."))
        return None
    finally:
        client.close()
    checks.append(Check("Agent reachable", OK, f"{server.agent_url} answers."))
    checks.append(Check("Token accepted", OK, "The agent takes this server's token."))
    return rows if isinstance(rows, list) else []


def _check_nas(server, rows) -> Check:
    expected = {c["nasname"]: c["shortname"] for c in nas_clients(server)} \
        if server.is_active else {}
    held = {row.get("nasname") for row in rows if isinstance(row, dict)}
    missing = sorted(name for name in expected if name not in held)
    if missing:
        names = ", ".join(f"{expected[m]} ({m})" for m in missing[:5])
        return Check("NAS rows", FAILED,
                     f"{len(missing)} of {len(expected)} routers are not in the agent's NAS "
                     f"list: {names}. FreeRADIUS refuses their requests; the NAS sync puts "
                     "them there (see Last NAS sync).")
    if not expected:
        return Check("NAS rows", WARNING, "No router uses this server yet: FreeRADIUS has no "
                                          "NAS to answer.")
    return Check("NAS rows", OK, f"All {len(expected)} router{'s' if len(expected) != 1 else ''}"
                                 " listed as NAS.")


def status_server(host: str, port: int, secret: str) -> Check:
    """Ask FreeRADIUS whether it is alive (Status-Server, with Message-Authenticator).

    FreeRADIUS answers only clients it knows (this product's address must be a NAS row or
    a client) and only with `status_server = yes` (the shipped configuration has it), so no
    answer is a warning, not proof that it is down."""
    name = "FreeRADIUS answers"
    if not secret:
        return Check(name, SKIPPED, "No NAS secret set.")
    try:
        client = Client(server=host, authport=port, secret=secret.encode(), dict=dictionary())
    except OSError as exc:
        return Check(name, WARNING, f"Could not ask {host}:{port}: {exc}.")
    client.timeout, client.retries = STATUS_TIMEOUT, STATUS_RETRIES
    try:
        request = client.CreateAuthPacket(code=packet.StatusServer)
        request.add_message_authenticator()
        reply = client.SendPacket(request)
    except Timeout:
        return Check(name, WARNING,
                     f"No answer to Status-Server from {host}:{port}. FreeRADIUS answers it "
                     "only with status_server = yes and from a client it lists (this "
                     "product's address, with the NAS secret).")
    except (OSError, packet.PacketError) as exc:
        return Check(name, WARNING, f"Could not ask {host}:{port}: {exc}.")
    finally:
        client._CloseSocket()
    if reply.code == packet.AccessAccept:
        return Check(name, OK, f"FreeRADIUS at {host}:{port} answered Status-Server.")
    return Check(name, WARNING, f"{host}:{port} answered Status-Server with code {reply.code}.")


def last_nas_sync(server: RadiusServer):
    """The newest NAS sync job row of this server (or None)."""
    from background.models import Job
    from radius import jobs

    return (Job.objects.filter(kind=jobs.sync_nas.job_spec.path, args=[server.pk])
            .order_by("-created_at", "-id").first())


def voucher_sync_counts(server: RadiusServer) -> dict:
    """Vouchers of batches syncing to this server, by sync status."""
    from django.db.models import Count, Q

    from vouchers.models import Voucher

    rows = (Voucher.objects.filter(Q(batch__radius_server=server)
                                   | Q(batch__radius_server__isnull=True,
                                       batch__router__radius_server=server))
            .values_list("radius_sync_status").annotate(n=Count("pk")))
    return {"pending": 0, "synced": 0, "failed": 0} | dict(rows)
