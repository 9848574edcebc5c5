"""/api/v1/: selling from elsewhere (a website, a till). JSON in and out; every call
carries `Authorization: Bearer <key>` (an organization's API key) and sees only that
organization's profiles, vouchers and sales. A missing, unknown or revoked key: 401."""

from __future__ import annotations

import datetime as dt
import functools

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from hotspot import inputs
from sales.models import VoucherFact
from sales.services import keys, selling

MAX_RANGE_DAYS = 92
MAX_LIST = 1000
IDEMPOTENCY_KEY_MAX = 100


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def api_view(*methods: str):
    def wrap(view):
        @functools.wraps(view)
        def inner(request, *args, **kwargs):
            scheme, _, key = request.headers.get("Authorization", "").partition(" ")
            api_key = keys.authenticate(key.strip()) if scheme.lower() == "bearer" else None
            if api_key is None:
                response = _error(401, "A valid API key is required (Authorization: Bearer).")
                response["WWW-Authenticate"] = "Bearer"
                return response
            request.api_key = api_key
            request.organization = api_key.organization
            return view(request, *args, **kwargs)

        return login_not_required(csrf_exempt(require_http_methods(methods)(inner)))

    return wrap


def _rules(profile) -> dict:
    """What a voucher of this profile allows and when it expires."""
    return {
        "validity": profile.validity,
        "validity_seconds": profile.validity_seconds,
        "fixed_expiry": profile.fixed_expiry.isoformat() if profile.fixed_expiry else None,
        "time_limit_seconds": profile.time_limit,
        "data_limit_bytes": profile.data_limit,
        "rate_limit_up": profile.rate_limit_up or None,
        "rate_limit_down": profile.rate_limit_down or None,
        "shared_users": profile.shared_users,
    }


def _profile(profile) -> dict:
    return {"id": profile.pk, "name": profile.name, "price": str(profile.price),
            "expiry": _rules(profile)}


def _state(voucher) -> dict:
    return {"state": voucher.state,
            "first_used_at": voucher.first_used_at.isoformat() if voucher.first_used_at else None,
            "expires_at": voucher.expires_at.isoformat() if voucher.expires_at else None}


def _sale(fact) -> dict:
    return {"id": fact.pk, "code": fact.voucher.code, "channel": fact.channel,
            "price": str(fact.price) if fact.price is not None else None,
            "sold_at": fact.at.isoformat(), "profile_id": fact.profile_id}


@api_view("GET")
def profiles(request):
    from vouchers.models import VoucherProfile

    rows = VoucherProfile.objects.filter(organization=request.organization)
    return JsonResponse({"profiles": [_profile(p) for p in rows]})


@api_view("GET", "POST")
def sales(request):
    return _sell(request) if request.method == "POST" else _list(request)


def _sell(request):
    """Sell one voucher of a profile: {"profile": id}. With an Idempotency-Key header the
    same key again returns the first sale (200, Idempotent-Replayed: true)."""
    from vouchers.models import VoucherProfile
    from vouchers.services import printing

    try:
        body = inputs.read_json_object(request, max_depth=2)
    except inputs.JSONRefused as exc:
        return _error(400, exc.message)
    profile_id = body.get("profile")
    if isinstance(profile_id, bool) or not isinstance(profile_id, int):
        return _error(400, "“profile” must be a profile id (a number).")
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key and (len(key) > IDEMPOTENCY_KEY_MAX or inputs.text_problem(key)):
        return _error(400, f"Idempotency-Key: at most {IDEMPOTENCY_KEY_MAX} plain characters.")
    # Another organization's profile is "no such profile": its existence is not revealed.
    profile = VoucherProfile.objects.filter(pk=profile_id,
                                            organization=request.organization).first()
    if profile is None:
        return _error(404, "No such profile.")
    try:
        voucher, fact, replayed = selling.sell_api(request.api_key, profile, key)
    except selling.SaleError as exc:
        return _error(409, str(exc))
    url = printing.login_url(voucher.batch, voucher)
    body = {"sale": _sale(fact), "code": voucher.code, "password": voucher.password,
            "login_url": url, "qr_svg": printing.qr_svg(url), "profile": _profile(profile),
            **_state(voucher)}
    response = JsonResponse(body, status=200 if replayed else 201)
    response["Cache-Control"] = "no-store"  # carries a password
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _when(value: str | None, name: str) -> dt.datetime:
    # An unencoded "+" in a query string arrives as a space: read it as the "+" it was.
    parsed = parse_datetime((value or "").strip().replace(" ", "+"))
    if parsed is None or parsed.tzinfo is None:
        raise ValueError(f"“{name}” must be an ISO 8601 time with its offset, "
                         "e.g. 2026-11-01T00:00:00+03:00.")
    return parsed


def _list(request):
    """Sales (`sold` facts) with from <= sold_at < to, at most 92 days, oldest first."""
    try:
        start, end = _when(request.GET.get("from"), "from"), _when(request.GET.get("to"), "to")
    except ValueError as exc:
        return _error(400, str(exc))
    if end <= start or end - start > dt.timedelta(days=MAX_RANGE_DAYS):
        return _error(400, f"“to” must follow “from”, at most {MAX_RANGE_DAYS} days later.")
    rows = (VoucherFact.objects.filter(organization=request.organization,
                                       kind=VoucherFact.Kind.SOLD, at__gte=start, at__lt=end)
            .select_related("voucher").order_by("at", "pk")[:MAX_LIST + 1])
    rows = list(rows)
    return JsonResponse({"sales": [_sale(f) for f in rows[:MAX_LIST]],
                         "truncated": len(rows) > MAX_LIST})


@api_view("GET")
def voucher(request, code):
    from vouchers.models import Voucher

    found = (Voucher.objects.filter(organization=request.organization, code=code)
             .select_related("batch__profile").first())
    if found is None:
        return _error(404, "No such voucher.")
    facts = {f.kind: f for f in VoucherFact.objects.filter(voucher=found)}
    sale = facts.get(VoucherFact.Kind.SOLD)
    return JsonResponse({
        "code": found.code, "profile": _profile(found.batch.profile), **_state(found),
        "sale": _sale(sale) if sale else None,
        "facts": [{"kind": k, "at": f.at.isoformat()}
                  for k, f in sorted(facts.items(), key=lambda kv: kv[1].at)],
    })


@login_not_required
@require_http_methods(["GET"])
def openapi(request):
    """The API's OpenAPI 3.1 description (no key needed: it holds no data)."""
    from sales.openapi import document

    return JsonResponse(document(request.build_absolute_uri(reverse("sales:api-openapi"))
                                 .removesuffix("openapi.json")))
