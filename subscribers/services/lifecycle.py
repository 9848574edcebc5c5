"""Every change of a subscriber: one function each, called alike by views, jobs and
commands. Each records a line of the subscriber's history and, where RADIUS serves the
subscriber, marks it for sync (a suspended or expired subscriber is rejected by RADIUS)."""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.db import IntegrityError, transaction
from django.utils import timezone

from subscribers import rates, validation
from subscribers.models import Event, Plan, Subscriber
from subscribers.services import radius
from subscribers.validation import Invalid

St = Subscriber.Status
CONTACT_FIELDS = ("full_name", "phone", "email", "address", "notes")


def record(sub: Subscriber, kind: str, message: str, user=None, **data) -> Event:
    return Event.objects.create(subscriber=sub, kind=kind, message=message,
                                actor=user if getattr(user, "pk", None) else None, data=data)


# -- plans -----------------------------------------------------------------------------------

def save_plan(organization, values: dict, plan: Plan | None = None) -> Plan:
    """Create or change a plan (validated); subscribers on it are synced again."""
    values = dict(values)
    try:
        values["rate_limit"] = rates.normalise(values.get("rate_limit", ""))
    except rates.RateError as exc:
        raise Invalid(str(exc)) from None
    if values.get("addressing", Plan.Addressing.POOL) == Plan.Addressing.POOL and not \
            values.get("address_pool"):
        raise Invalid("a plan with pool addressing needs the router's address pool name")
    quota = values.get("quota_bytes")
    if quota is not None and quota < 1:
        raise Invalid("the quota must be at least 1 byte (empty: unlimited)")
    with transaction.atomic():
        if plan is None:
            if Plan.objects.filter(organization=organization, name=values.get("name")).exists():
                raise Invalid("a plan with this name exists")
            return Plan.objects.create(organization=organization, **values)
        for key, value in values.items():
            setattr(plan, key, value)
        plan.save()
        radius.mark_pending(plan.subscribers.all())
    return plan


# -- subscribers -----------------------------------------------------------------------------

def _check_static(plan: Plan, static_ip) -> str | None:
    if static_ip in (None, ""):
        if plan.addressing == Plan.Addressing.STATIC:
            raise Invalid(f"plan {plan.name} gives static addresses: set the subscriber's IP")
        return None
    try:
        return str(ipaddress.IPv4Address(str(static_ip).strip()))
    except ValueError:
        raise Invalid(f"{static_ip!r} is not an IPv4 address") from None


def _check_not_voucher(organization, username: str) -> None:
    from vouchers.models import Voucher

    if Voucher.objects.filter(code=username).exists():
        # RADIUS serves both from the same tables: one name, one user (docs/subscribers.md).
        raise Invalid(f"{username!r} is a voucher code: choose another username")


def create_subscriber(organization, *, username, password, plan: Plan, user=None,
                      radius_server=None, router=None, static_ip=None, caller_id="",
                      expires_at=None, **contact) -> Subscriber:
    username = validation.username(username)
    password = validation.password(password)
    if plan.organization_id != organization.pk:
        raise Invalid("no such plan")
    static_ip = _check_static(plan, static_ip)
    caller_id = validation.mac(caller_id)
    _check_not_voucher(organization, username)
    if expires_at is None and plan.validity_days:
        expires_at = timezone.now() + dt.timedelta(days=plan.validity_days)
    try:
        with transaction.atomic():
            sub = Subscriber.objects.create(
                organization=organization, username=username, password=password, plan=plan,
                radius_server=radius_server, router=router, static_ip=static_ip,
                caller_id=caller_id, expires_at=expires_at,
                radius_status=Subscriber.Sync.PENDING if radius_server else
                Subscriber.Sync.NONE,
                **{k: v for k, v in contact.items() if k in CONTACT_FIELDS})
            record(sub, "created", f"Created on plan {plan.name}", user)
            if radius_server:
                radius.request_sync(radius_server.pk)
    except IntegrityError:
        raise Invalid(f"a subscriber named {username!r} exists") from None
    return sub


def update_subscriber(sub: Subscriber, changes: dict, user=None) -> Subscriber:
    """Contact fields, password, static IP, caller-id binding, RADIUS server, expiry."""
    changed = []
    values = {}
    for key in CONTACT_FIELDS:
        if key in changes and changes[key] != getattr(sub, key):
            values[key] = changes[key]
            changed.append(key)
    if "password" in changes and changes["password"] and changes["password"] != sub.password:
        values["password"] = validation.password(changes["password"])
        changed.append("password")
    if "static_ip" in changes:
        ip = _check_static(sub.plan, changes["static_ip"])
        if ip != sub.static_ip:
            values["static_ip"] = ip
            changed.append("static IP")
    if "caller_id" in changes:
        mac = validation.mac(changes["caller_id"])
        if mac != sub.caller_id:
            values["caller_id"] = mac
            changed.append("caller-id binding")
    if "expires_at" in changes and changes["expires_at"] != sub.expires_at:
        values["expires_at"] = changes["expires_at"]
        changed.append("expiry")
    if "router" in changes and changes["router"] != sub.router:
        values["router"] = changes["router"]
        changed.append("router")
    if "radius_server" in changes and changes["radius_server"] != sub.radius_server:
        values["radius_server"] = changes["radius_server"]
        changed.append("RADIUS server")
    if not changed:
        return sub
    old_server = sub.radius_server_id
    with transaction.atomic():
        for key, value in values.items():
            setattr(sub, key, value)
        sub.save()
        record(sub, "changed", "Changed " + ", ".join(changed), user, fields=changed)
        radius.mark_pending(Subscriber.objects.filter(pk=sub.pk))
        if old_server and old_server != sub.radius_server_id:
            # The server it left must stop serving it.
            radius.request_removal(old_server, [sub.username])
    return sub


def set_status(ids, status: str, kind: str, message: str, user=None) -> int:
    """The one status change, for one subscriber or thousands (a bulk run): those not
    already in `status` change, each gets a history line, RADIUS is told, and their
    online sessions end when they may no longer be online."""
    actor = user if getattr(user, "pk", None) else None
    with transaction.atomic():
        changing = list(Subscriber.objects.filter(pk__in=list(ids)).exclude(status=status)
                        .select_for_update().values_list("pk", flat=True))
        if not changing:
            return 0
        Subscriber.objects.filter(pk__in=changing).update(status=status,
                                                          updated_at=timezone.now())
        Event.objects.bulk_create([Event(subscriber_id=pk, kind=kind, message=message,
                                         actor=actor) for pk in changing], batch_size=1000)
        radius.mark_pending(Subscriber.objects.filter(pk__in=changing))
    if status != St.ACTIVE:
        from subscribers.services import live

        live.disconnect_online(Subscriber.objects.filter(pk__in=changing), reason=kind)
    return len(changing)


def _set_status(sub: Subscriber, status: str, kind: str, message: str, user=None) -> bool:
    changed = set_status([sub.pk], status, kind, message, user)
    if changed:
        sub.status = status
    return bool(changed)


def suspend(sub: Subscriber, user=None, reason: str = "") -> bool:
    return _set_status(sub, St.SUSPENDED, "suspended",
                       "Suspended" + (f": {reason}" if reason else ""), user)


def resume(sub: Subscriber, user=None) -> bool:
    if sub.expires_at and sub.expires_at <= timezone.now():
        raise Invalid("the subscriber's validity has ended: extend the expiry first")
    return _set_status(sub, St.ACTIVE, "resumed", "Resumed", user)


def expire(sub: Subscriber) -> bool:
    return _set_status(sub, St.EXPIRED, "expired", "Expired (validity ended)")


def expire_due() -> int:
    """Active subscribers whose validity has ended become expired (the periodic job)."""
    count = 0
    for sub in Subscriber.objects.filter(status=St.ACTIVE, expires_at__lte=timezone.now()):
        count += expire(sub)
    return count


def change_plan(sub: Subscriber, plan: Plan, user=None) -> bool:
    """Move to another plan; an online session gets the new rate at once (CoA where
    RouterOS applies it, otherwise a disconnect), recorded in the history."""
    changed = change_plans([sub.pk], plan, user)
    if changed:
        sub.plan = plan
    return bool(changed)


def change_plans(ids, plan: Plan, user=None) -> int:
    """The one plan change, for one subscriber or thousands."""
    actor = user if getattr(user, "pk", None) else None
    with transaction.atomic():
        subs = list(Subscriber.objects.filter(pk__in=list(ids)).exclude(plan=plan)
                    .select_related("plan").select_for_update(of=("self",)))
        subs = [s for s in subs if s.organization_id == plan.organization_id]
        if not subs:
            return 0
        if plan.addressing == Plan.Addressing.STATIC and any(not s.static_ip for s in subs):
            raise Invalid(f"plan {plan.name} gives static addresses: subscribers without "
                          "one cannot move to it")
        Subscriber.objects.filter(pk__in=[s.pk for s in subs]).update(
            plan=plan, updated_at=timezone.now())
        Event.objects.bulk_create([
            Event(subscriber=s, kind="plan_changed", actor=actor,
                  message=f"Plan changed from {s.plan.name} to {plan.name}",
                  data={"old": s.plan_id, "new": plan.pk}) for s in subs], batch_size=1000)
        radius.mark_pending(Subscriber.objects.filter(pk__in=[s.pk for s in subs]))
    from subscribers.services import live

    live.apply_plan(Subscriber.objects.filter(pk__in=[s.pk for s in subs]), user)
    return len(subs)


def reveal_password(sub: Subscriber, user) -> str:
    """The password in clear, for the operator who asked; the history says who and when."""
    record(sub, "password_revealed", f"Password shown to {user.get_username()}", user)
    return sub.password
