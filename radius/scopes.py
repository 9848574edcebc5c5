"""Agent credentials: one token and one scope per RADIUS server.

The sending side (RadiusServer) keeps its token encrypted, to send it; the agent side
(AgentScope) keeps only a digest, to recognise it. This installation's agent serves
every RadiusServer of this installation (register_local); a separate agent installation
next to FreeRADIUS learns a scope with `manage.py radius_agent_scope`.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from radius.client import AgentClient, AgentError
from radius.models import AgentScope, RadiusServer, new_agent_token, token_digest


class TokenError(Exception):
    """The token could not be changed; nothing was."""


def set_scope(key: str, token: str, label: str = "") -> AgentScope:
    """Let this installation's agent accept `token` for scope `key` (replacing its old one)."""
    digest = token_digest(token)
    if AgentScope.objects.filter(token_digest=digest).exclude(key=key).exists():
        raise TokenError("This token already grants another scope.")
    scope, _ = AgentScope.objects.update_or_create(
        key=key, defaults={"token_digest": digest, **({"label": label} if label else {})})
    return scope


def register_local(server: RadiusServer) -> AgentScope:
    """This installation's agent accepts the server's token for the server's scope."""
    return set_scope(server.agent_scope, server.agent_token,
                     f"{server.name} ({server.organization})")


def forget_local(server: RadiusServer) -> None:
    AgentScope.objects.filter(key=server.agent_scope).delete()


def rotate_token(server: RadiusServer) -> str:
    """Give the server a new agent token and return it (shown once).

    The agent is told first, with the current token, so a separate agent keeps working
    without anyone logging in to it; unreachable or refusing, nothing changes."""
    new = new_agent_token()
    client = AgentClient.for_server(server)
    try:
        client.request("POST", "token/", {"token_digest": token_digest(new)})
    except AgentError as exc:
        raise TokenError(f"The agent did not take the new token ({exc}); nothing changed.")\
            from None
    finally:
        client.close()
    with transaction.atomic():
        server.agent_token = new
        server.agent_token_rotated_at = timezone.now()
        server.save(update_fields=["agent_token", "agent_token_rotated_at"])
        register_local(server)
    return new


def replace_token(server: RadiusServer) -> str:
    """A new token without telling the agent (it is unreachable, or lost the old one): this
    installation's agent takes it at once; a separate agent must be given it by hand."""
    with transaction.atomic():
        server.agent_token = new_agent_token()
        server.agent_token_rotated_at = timezone.now()
        server.save(update_fields=["agent_token", "agent_token_rotated_at"])
        register_local(server)
    return server.agent_token
