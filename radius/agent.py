"""The RADIUS agent API: deployable next to FreeRADIUS, writes its SQL tables.

Every view answers JSON, is exempt from login and CSRF, and checks the Bearer token
before reading the body: a token this agent does not know gets 401 and writes nothing.
Each known token grants one scope (one RADIUS server, radius.models.AgentScope): the
view sees that scope's users, NAS rows and accounting only, and a write touching a
username or NAS address another scope owns is refused whole (409), writing nothing. A
malformed request is refused whole (400), also writing nothing.
"""

from __future__ import annotations

import functools
import hmac
import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connections, router
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from hotspot import inputs
from radius import attributes, services
from radius.models import AgentScope, token_digest

log = logging.getLogger(__name__)


def _scope(request) -> str | None:
    """The scope the request's Bearer token grants, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None
    digest = token_digest(token)
    # Every agent request starts here: one plain query (the ORM's would cost the agent
    # about a tenth of its time in a voucher sync).
    with connections[router.db_for_read(AgentScope)].cursor() as cursor:
        cursor.execute(f"SELECT key, token_digest FROM {AgentScope._meta.db_table}"
                       " WHERE token_digest = %s", [digest])
        found = cursor.fetchone()
    # The lookup is by a digest of the token, so timing tells nothing about the token;
    # the comparison stays constant-time all the same.
    if found is None or not hmac.compare_digest(found[1], digest):
        return None
    return found[0]


def agent_view(*methods: str):
    """Bearer-token JSON endpoint without session login or CSRF; sets request.agent_scope."""

    def wrap(view):
        @functools.wraps(view)
        def inner(request, *args, **kwargs):
            scope = _scope(request)
            if scope is None:
                return JsonResponse({"success": False, "errors": ["invalid token"]}, status=401)
            request.agent_scope = scope
            try:
                return view(request, *args, **kwargs)
            except attributes.PayloadError as exc:
                return _refuse(str(exc))
            except services.ScopeConflict as exc:
                return _refuse(str(exc), status=409)

        return login_not_required(csrf_exempt(require_http_methods(methods)(inner)))

    return wrap


def _refuse(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"success": False, "synced": 0, "failed": 0, "errors": [message]}, status=status
    )


def _body(request):
    try:
        return inputs.read_json(request, default=b"null")
    except inputs.JSONRefused as exc:
        raise attributes.PayloadError(exc.message) from None


def _usernames(request) -> list[str]:
    names = request.GET.getlist("username")
    if len(names) > attributes.MAX_USERS_PER_REQUEST:
        raise attributes.PayloadError(f"at most {attributes.MAX_USERS_PER_REQUEST} usernames")
    return names


@agent_view("GET", "POST")
def users(request):
    """POST: write up to 250 vouchers. GET ?username=..: read their rows back.

    A POST with `"read_back": true` also answers `"users"`, the rows read back (as GET
    answers them) after the write committed, on the same connection: the sync gets its
    read-back without a second request, and it is still a real read of the database.
    With `"read_back": "digest"` it answers `"digests"` instead: per user, the
    radius.attributes.digest of the rows read back after the commit (64 characters
    instead of about ten rows; the sync asks for the rows only where a digest differs).
    """
    scope = request.agent_scope
    if request.method == "GET":
        return JsonResponse({"users": services.read_users(scope, _usernames(request))})
    body = _body(request)
    vouchers = attributes.clean_batch(body)
    synced = services.write_users(scope, vouchers)
    answer = {"success": True, "synced": synced, "failed": 0, "errors": []}
    read_back = body.get("read_back")
    if read_back is True:
        answer["users"] = services.read_users(scope, [v["username"] for v in vouchers])
    elif read_back == "digest":
        answer["digests"] = services.read_digests(scope, [v["username"] for v in vouchers],
                                                  claimed=True)
    return JsonResponse(answer)


@agent_view("POST")
def users_delete(request):
    """Remove many users: {"usernames": [...]}."""
    body = _body(request)
    names = body.get("usernames") if isinstance(body, dict) else None
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise attributes.PayloadError('body must be {"usernames": ["..."]}')
    if len(names) > attributes.MAX_USERS_PER_REQUEST:
        raise attributes.PayloadError(f"at most {attributes.MAX_USERS_PER_REQUEST} usernames")
    return JsonResponse({"success": True,
                         "deleted": services.delete_users(request.agent_scope, names)})


@agent_view("DELETE")
def user_delete(request, username: str):
    """Remove one user's rows; another scope's user is not there for this token (404)."""
    try:
        deleted = services.delete_users(request.agent_scope, [username])
    except services.ScopeConflict:
        return _refuse("no such user", status=404)
    return JsonResponse({"success": True, "deleted": deleted})


@agent_view("GET")
def usage(request):
    """Accounting per user (radacct): what makes a voucher active or used up."""
    return JsonResponse({"usage": services.read_usage(request.agent_scope, _usernames(request))})


@agent_view("GET", "PUT")
def nas(request):
    """PUT {"nas": [{nasname, shortname, secret, type}]}: replace the scope's NAS rows.

    The scope is the token's; a "scope" in the body (older senders) is ignored."""
    if request.method == "GET":
        return JsonResponse({"nas": services.read_nas(request.agent_scope)})
    body = _body(request)
    if not isinstance(body, dict) or not isinstance(body.get("nas"), list):
        raise attributes.PayloadError('body must be {"nas": [...]}')
    clients = body["nas"]
    for client in clients:
        if not isinstance(client, dict) or not all(
            isinstance(client.get(k), str) and client.get(k) for k in ("nasname", "shortname",
                                                                       "secret")
        ):
            raise attributes.PayloadError("each NAS needs nasname, shortname and secret")
        kind = client.get("type", "other")
        if not isinstance(kind, str) or any(
                attributes.CONTROL_RE.search(client.get(k) or "")
                for k in ("nasname", "shortname", "secret", "type")):
            raise attributes.PayloadError("NAS fields are printable text")
    return JsonResponse({"success": True,
                         "nas": services.replace_nas(request.agent_scope, clients)})


@agent_view("POST")
def token(request):
    """Rotate this scope's token: {"token_digest": "<SHA-256 hex of the new token>"}.

    Asked with the current token; from the answer on, only the new one works."""
    body = _body(request)
    digest = body.get("token_digest") if isinstance(body, dict) else None
    if not isinstance(digest, str) or len(digest) != 64 or any(
            c not in "0123456789abcdef" for c in digest):
        raise attributes.PayloadError('body must be {"token_digest": "<64 hex digits>"}')
    if AgentScope.objects.filter(token_digest=digest).exclude(key=request.agent_scope).exists():
        raise services.ScopeConflict("this token is in use")
    AgentScope.objects.filter(key=request.agent_scope).update(token_digest=digest)
    return JsonResponse({"success": True})


MAX_ACCOUNTING_ROWS = 5000
CAUSE_RE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-")


def _whole(request, name: str, default: int, maximum: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or len(raw) > 19 or int(raw) > maximum:
        raise attributes.PayloadError(f"{name} must be a whole number from 0 to {maximum}")
    return int(raw)


@agent_view("GET")
def accounting(request):
    """GET ?after=<change number>&limit=<n>: the scope's accounting changes, in order."""
    after = _whole(request, "after", 0, 2**63 - 1)
    limit = _whole(request, "limit", MAX_ACCOUNTING_ROWS, MAX_ACCOUNTING_ROWS) or 1
    return JsonResponse(services.read_accounting(request.agent_scope, after, limit))


@agent_view("POST")
def accounting_close(request):
    """POST {"sessions": [acctuniqueid, ...], "cause": "Stale-Session"}: close open sessions."""
    body = _body(request)
    ids = body.get("sessions") if isinstance(body, dict) else None
    cause = body.get("cause") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, str) and 0 < len(i) <= 64
                                            for i in ids) or len(ids) > MAX_ACCOUNTING_ROWS:
        raise attributes.PayloadError(
            f'body must be {{"sessions": [up to {MAX_ACCOUNTING_ROWS} ids], "cause": "..."}}')
    if not isinstance(cause, str) or not 0 < len(cause) <= 32 or not set(cause) <= \
            CAUSE_RE_CHARS:
        raise attributes.PayloadError("cause must be a word like Stale-Session")
    return JsonResponse({"success": True,
                         "closed": services.close_sessions(request.agent_scope, ids, cause)})


@agent_view("GET")
def bindings(request):
    """GET ?username=..: the device each user is bound to."""
    return JsonResponse({"bindings": services.read_bindings(request.agent_scope,
                                                            _usernames(request))})


@agent_view("POST")
def bindings_release(request):
    """POST {"usernames": [...]}: release their devices."""
    body = _body(request)
    names = body.get("usernames") if isinstance(body, dict) else None
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names) or \
            len(names) > attributes.MAX_USERS_PER_REQUEST:
        raise attributes.PayloadError('body must be {"usernames": ["..."]}')
    return JsonResponse({"success": True,
                         "released": services.release_bindings(request.agent_scope, names)})


@agent_view("POST")
def disconnect(request):
    """POST {"nas", "port", "kind": "disconnect"|"coa", "attributes": {User-Name, ...}}: send a
    Disconnect- or CoA-Request to one of the scope's NAS (routers), for one of its users,
    signed with the NAS secret; answers what the router said."""
    from radius import coa

    body = _body(request)
    if not isinstance(body, dict):
        raise attributes.PayloadError("body must be an object")
    nas_address, port, kind = body.get("nas"), body.get("port"), body.get("kind", "disconnect")
    attrs = body.get("attributes")
    if not isinstance(nas_address, str) or not isinstance(port, int) or isinstance(port, bool) \
            or not 1 <= port <= 65535 or kind not in coa.KINDS or not isinstance(attrs, dict):
        raise attributes.PayloadError(
            'body must be {"nas": "<address>", "port": 1-65535, "kind": "disconnect" or '
            '"coa", "attributes": {...}}')
    clean = {}
    for key, value in attrs.items():
        if key not in coa.ATTRIBUTES or not isinstance(value, (str, int)) or isinstance(
                value, bool) or attributes.CONTROL_RE.search(str(value)) or len(str(value)) > 253:
            raise attributes.PayloadError(f"attribute {key!r} is not one the agent sends")
        clean[key] = value
    username = clean.get("User-Name")
    if not isinstance(username, str) or not username:
        raise attributes.PayloadError("User-Name is required")
    secret = services.nas_secret(request.agent_scope, nas_address)
    if secret is None or not services.owns(request.agent_scope, username):
        return _refuse("no such NAS or user", status=404)
    answer = coa.send(nas_address, port, secret, kind, clean)
    return JsonResponse({"success": True, "answer": answer.answer,
                         "error_cause": answer.error_cause})


@agent_view("GET", "POST")
def subscribers(request):
    """POST {"subscribers": [...], "read_back": bool}: write up to 250 PPPoE subscribers'
    rows; GET ?username=..: read them back. A username a voucher holds is refused (409)."""
    from radius import subscriber_rows

    scope = request.agent_scope
    if request.method == "GET":
        return JsonResponse({"users": services.read_users(scope, _usernames(request))})
    body = _body(request)
    items = subscriber_rows.clean_batch(body)
    written = services.write_subscribers(scope, items)
    answer = {"success": True, "synced": written, "failed": 0, "errors": []}
    if body.get("read_back") is True:
        answer["users"] = services.read_users(scope, [i["username"] for i in items])
    return JsonResponse(answer)


@agent_view("POST")
def subscribers_delete(request):
    """Remove subscribers' rows: {"usernames": [...]}."""
    body = _body(request)
    names = body.get("usernames") if isinstance(body, dict) else None
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names) or \
            len(names) > attributes.MAX_USERS_PER_REQUEST:
        raise attributes.PayloadError('body must be {"usernames": ["..."]}')
    return JsonResponse({"success": True,
                         "deleted": services.delete_subscribers(request.agent_scope, names)})
