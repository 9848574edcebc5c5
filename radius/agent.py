"""The RADIUS agent API: deployable next to FreeRADIUS, writes its SQL tables.

Every view answers JSON, is exempt from login and CSRF, and checks the Bearer token
(RADIUS_AGENT_TOKEN) in constant time before reading the body: a wrong token writes
nothing. A malformed request is refused whole (400), also writing nothing.
"""

from __future__ import annotations

import functools
import hmac
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from hotspot import inputs
from radius import attributes, services

log = logging.getLogger(__name__)


def _authorized(request) -> bool:
    expected = settings.RADIUS_AGENT_TOKEN
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode(), expected.encode())


def agent_view(*methods: str):
    """Bearer-token JSON endpoint without session login or CSRF."""

    def wrap(view):
        @functools.wraps(view)
        def inner(request, *args, **kwargs):
            if not _authorized(request):
                return JsonResponse({"success": False, "errors": ["invalid token"]}, status=401)
            try:
                return view(request, *args, **kwargs)
            except attributes.PayloadError as exc:
                return _refuse(str(exc))

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
    """
    if request.method == "GET":
        return JsonResponse({"users": services.read_users(_usernames(request))})
    body = _body(request)
    vouchers = attributes.clean_batch(body)
    synced = services.write_users(vouchers)
    answer = {"success": True, "synced": synced, "failed": 0, "errors": []}
    if body.get("read_back") is True:
        answer["users"] = services.read_users([v["username"] for v in vouchers])
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
    return JsonResponse({"success": True, "deleted": services.delete_users(names)})


@agent_view("DELETE")
def user_delete(request, username: str):
    """Remove one user's rows."""
    return JsonResponse({"success": True, "deleted": services.delete_users([username])})


@agent_view("GET")
def usage(request):
    """Accounting per user (radacct): what makes a voucher active or used up."""
    return JsonResponse({"usage": services.read_usage(_usernames(request))})


@agent_view("GET", "PUT")
def nas(request):
    """PUT {"scope", "nas": [{nasname, shortname, secret, type}]}: replace a scope's NAS rows."""
    if request.method == "GET":
        return JsonResponse({"nas": services.read_nas(request.GET.get("scope", ""))})
    body = _body(request)
    if not isinstance(body, dict) or not isinstance(body.get("scope"), str) or not isinstance(
        body.get("nas"), list
    ):
        raise attributes.PayloadError('body must be {"scope": "...", "nas": [...]}')
    clients = body["nas"]
    for client in clients:
        if not isinstance(client, dict) or not all(
            isinstance(client.get(k), str) and client.get(k) for k in ("nasname", "shortname",
                                                                       "secret")
        ):
            raise attributes.PayloadError("each NAS needs nasname, shortname and secret")
    return JsonResponse({"success": True, "nas": services.replace_nas(body["scope"], clients)})
