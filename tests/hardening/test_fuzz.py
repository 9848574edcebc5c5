"""Every URL pattern, every form and JSON field, hostile values: never a 500, and a refused
request writes nothing.

URLs come from walking the URLconf (not a list kept here); field names from every form of
the product (their declared fields), the services form's keys (provisioning.forms.FIELDS)
and the agent's JSON shapes. Each request runs as the operator (Alice), anonymously, and
for the agent's URLs with the agent's token too. Every request runs in a savepoint that is
rolled back after it, so a request that succeeds (a delete, a logout) does not change what
the next one sees; a refused one (4xx) must write nothing: on PostgreSQL no row of any
table inserted, updated or deleted (pg_stat_xact_user_tables), elsewhere every table's
row count as it was.

The largest body and the slowest request are printed (`-s`) and, with FUZZ_REPORT set,
written as JSON (bench/bench_fuzz.py makes its table from it).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django import forms
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse

from fleet.models import ImportRun
from hotspot.middleware import JSON_PREFIXES
from provisioning.forms import FIELDS as SERVICE_FIELDS
from provisioning.models import Deployment
from radius import attributes
from radius.models import RadiusServer
from routers.choices import ConfigKind
from sales.models import Reseller
from sales.services import keys
from tests.hardening.helpers import row_counts, writes
from tests.provisioning.helpers import HOTSPOT, generate, online_router
from tests.radius.fixtures import AGENT_TOKEN
from vouchers.models import VoucherProfile
from vouchers.services.generate import generate_batch

pytestmark = [pytest.mark.timeout(1800)]

HUGE = "x" * 10_000
TEXTS = ["a\x00b", "\ufffe", "\U0010ffff", "\ufdd0", HUGE, "💥🚀 \u202eRTL", "' OR 1=1 --",
         "<script>alert(1)</script>", "", " ", "-1", "-9223372036854775809",
         "18446744073709551616", "1" * 5000, "1e999", "NaN", "0", "ether2", "on"]
JSON_ONLY = ["\ud800", -1, -(2**63) - 1, 2**64, 10**30, 1e308, 1.5, True, None, [], {},
             ["ether2"] * 3000, json.loads("[" * 17 + "]" * 17), {"a": {"b": {"c": "\x00"}}}]
RAW_BODIES = {
    "deep nesting": b"[" * 50000,
    "not UTF-8": b'{"name": "\xff\xfe"}',
    "truncated": b'{"name": ',
    "NaN": b'{"name": NaN, "count": Infinity}',
    "900 KB string": json.dumps({"name": "y" * 900_000}).encode(),
    "2 MiB": b'{"name": "' + b"z" * (2 * 2**20) + b'"}',
}
# The agent's JSON shapes (radius/agent.py): its keys are those of radius.attributes.
VOUCHER_KEYS = ("username", "password", "profile", "time_limit", "data_limit", "rate_limit",
                "simultaneous_use", "expiry", "valid_for")


def agent_bodies(value) -> list[dict]:
    return [{"vouchers": [{k: value for k in VOUCHER_KEYS}], "read_back": value},
            {"vouchers": value}, {"usernames": value}, {"usernames": [value]},
            {"scope": value, "nas": [{k: value for k in attributes.NAS_LIMITS}]},
            {"scope": "server1", "nas": value}]


def form_field_names() -> list[str]:
    """Declared fields of every form class of the product (and the login form)."""
    import accounts.forms  # noqa: F401  (defines the forms walked below)
    import radius.forms  # noqa: F401
    import routers.forms  # noqa: F401
    import sales.forms  # noqa: F401
    import vouchers.forms  # noqa: F401

    names, seen, todo = set(), set(), list(forms.BaseForm.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        todo += cls.__subclasses__()
        if cls.__module__.split(".")[0] in ("accounts", "radius", "routers", "vouchers",
                                            "provisioning", "fleet", "hotspot", "sales") or \
                cls.__name__ == "AuthenticationForm":
            names |= set(getattr(cls, "base_fields", {}))
    return sorted(names)


def url_patterns():
    """(name, pattern) of every URL pattern, walking includes."""
    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(x for x in (namespace, p.namespace) if x)
                yield from walk(p.url_patterns, ns)
            elif p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), p
    return list(walk(get_resolver().url_patterns, ""))


@dataclass
class World:
    router: object
    ids: dict
    agent_urls: set = field(default_factory=set)


def kwargs_for(name: str, pattern, world: World) -> dict | None:
    """Values for a pattern's parameters: the world's own objects, so views find them."""
    params = list(getattr(pattern.pattern, "converters", {}) or pattern.pattern.regex.groupindex)
    values = {}
    for param in params:
        if param == "pk":
            key = {"vouchers:profile-edit": "profile", "radius:server-edit": "server",
                   "sales:reseller": "reseller", "sales:api-key-revoke": "api_key"}.get(
                name, "batch" if name.startswith("vouchers:") else "router")
            values[param] = world.ids[key]
        elif param in world.ids:
            values[param] = world.ids[param]
        else:
            values[param] = {"action": "retry", "username": "V1", "app_label": "accounts",
                             "model_name": "operator", "table": "periods"}.get(param, "1")
    try:
        return {"url": reverse(name, kwargs=values), **values}
    except NoReverseMatch:
        return None


@dataclass
class Report:
    requests: int = 0
    refused: int = 0
    failures: list = field(default_factory=list)
    largest: tuple = (0, "", 0.0, 0)  # bytes, request, seconds, status
    slowest: list = field(default_factory=list)  # (seconds, request, bytes, status), top 5
    answered: dict = field(default_factory=dict)  # url name -> set of statuses (operator)
    seconds: dict = field(default_factory=dict)  # identity -> total seconds

    def add(self, who: str, what: str, size: int, seconds: float, status: int) -> None:
        self.requests += 1
        self.seconds[who] = self.seconds.get(who, 0.0) + seconds
        # The largest body the product read and validated (not one refused unread: 413,
        # nor an anonymous one sent to the login page unread).
        if who != "anonymous" and status != 413 and size > self.largest[0]:
            self.largest = (size, what, seconds, status)
        self.slowest = sorted([*self.slowest, (seconds, what, size, status)], reverse=True)[:5]


@pytest.fixture
def world(acme, alice, routersim, agent_settings, radius_tables):
    sim = routersim()
    router = online_router(acme, sim)
    service = generate(router, HOTSPOT)
    initial = router.configs.create(kind=ConfigKind.INITIAL, script="/system identity set")
    server = RadiusServer.objects.create(
        organization=acme, name="main", host="10.0.0.5", nas_secret="nas-secret",
        agent_url="http://10.0.0.5:8000/radius/agent/", agent_token=AGENT_TOKEN)
    profile = VoucherProfile.objects.filter(organization=acme).first()
    batch = generate_batch(acme, profile, 3, radius_server=server)
    deployment = Deployment.objects.create(router=router, config=service,
                                           status=Deployment.Status.COMPLETED)
    run = ImportRun.objects.create(router=router)
    reseller = Reseller.objects.create(organization=acme, name="Kiosk")
    api_key, _ = keys.create(acme, "shop")
    return World(router, {"router": router.pk, "profile": profile.pk, "server": server.pk,
                          "batch": batch.pk, "config_id": initial.pk,
                          "deployment_id": deployment.pk, "run_id": run.pk,
                          "reseller": reseller.pk, "api_key": api_key.pk})


def test_no_request_answers_500_and_a_refused_one_writes_nothing(world, alice):
    fields = sorted(set(form_field_names()) | set(SERVICE_FIELDS)
                    | {"hotspot_gateway_ether2", "hotspot_pool_ether2", "q", "page", "kind",
                       "preview", "status", "refresh", "scope", "username"})
    operator = Client(raise_request_exception=False)
    operator.force_login(alice)
    session = operator.cookies["sessionid"].value
    anonymous = Client(raise_request_exception=False)
    agent = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {AGENT_TOKEN}")
    baseline = row_counts()
    report = Report()

    def send(who: str, client: Client, name: str, method: str, url: str, body: bytes = b"",
             content_type: str = "application/json", what: str = "") -> None:
        label = f"{who} {method} {name} {what}"
        with transaction.atomic():
            before = writes()
            started = time.perf_counter()
            response = client.generic(method, url, body, content_type=content_type)
            seconds = time.perf_counter() - started
            if response.status_code >= 500:
                report.failures.append(f"{label}: {response.status_code}")
            elif response.status_code >= 400:
                report.refused += 1
                after = writes()
                changed = {t: n - before.get(t, 0) for t, n in after.items()
                           if n != before.get(t, 0) and not t.startswith("axes_")}
                if changed:
                    counts = row_counts()
                    report.failures.append(
                        f"{label}: refused ({response.status_code}) but wrote {changed} "
                        f"(rows now {({t: counts.get(t) for t in changed})}, "
                        f"before {({t: baseline.get(t) for t in changed})})")
            if who == "operator":
                report.answered.setdefault(name, set()).add(response.status_code)
            transaction.set_rollback(True)
        report.add(who, label, len(url) + len(body), seconds, response.status_code)
        operator.cookies["sessionid"] = session  # a logout is rolled back; so is its cookie

    patterns = url_patterns()
    assert len(patterns) > 150  # the walk reached the admin and every app
    unreachable, product = [], []
    for name, pattern in patterns:
        found = kwargs_for(name, pattern, world)
        if found is None:
            unreachable.append(name)
            continue
        url = found["url"]
        if not url.startswith("/admin/"):
            product.append(name)
        clients = [("anonymous", anonymous), ("operator", operator)]
        if url.startswith("/radius/agent/"):
            clients.append(("agent", agent))
        for who, client in clients:
            send(who, client, name, "GET", url)
            if url.startswith("/admin/"):  # staff only: Alice and anonymous are sent away
                send(who, client, name, "POST", url, urlencode({f: TEXTS[0] for f in fields}),
                     "application/x-www-form-urlencoded", "form NUL")
                continue
            for value in TEXTS:
                query = urlencode({f: value for f in fields})
                send(who, client, name, "GET", f"{url}?{query}", what=f"query {value[:12]!r}")
                send(who, client, name, "POST", url,
                     urlencode({f: value for f in fields} | {
                         "hotspot_interfaces": [value] * 50}, doseq=True),
                     "application/x-www-form-urlencoded", f"form {value[:12]!r}")
            # Every JSON value for the JSON endpoints (the URLconf's /api/ and agent URLs);
            # pages ignore a JSON body, so two values show they do.
            json_values = TEXTS + JSON_ONLY if url.startswith(JSON_PREFIXES) else TEXTS[:2]
            for value in json_values:
                bodies = [{f: value for f in fields}]
                if url.startswith("/radius/agent/"):
                    bodies += agent_bodies(value)
                for body in bodies:
                    raw = json.dumps(body).encode()
                    send(who, client, name, "POST", url, raw, what=f"json {str(value)[:12]!r}")
                    if url.startswith("/radius/agent/"):
                        send(who, client, name, "PUT", url, raw, what=f"json {str(value)[:12]!r}")
            for label, raw in RAW_BODIES.items():
                send(who, client, name, "POST", url, raw, what=label)
            send(who, client, name, "DELETE", url, what="delete")
            for value in ("a\x00b", "\ufffe", HUGE):  # the path's own parameters
                for param in ("username", "action"):
                    if param in found:
                        fuzzed = url.replace(f"/{found[param]}/", f"/{value}/")
                        send(who, client, name, "GET", fuzzed, what=f"path {value[:12]!r}")
                        send(who, client, name, "DELETE", fuzzed, what=f"path {value[:12]!r}")

    size, what, seconds, status = report.largest
    summary = {"requests": report.requests, "refused": report.refused,
               "patterns": len(patterns), "unreachable": unreachable,
               "seconds_by_identity": {k: round(v, 1) for k, v in report.seconds.items()},
               "largest_body": {"bytes": size, "request": what.strip(),
                                "seconds": round(seconds, 4), "status": status},
               "slowest": [{"seconds": round(t, 4), "request": w.strip(), "bytes": b,
                            "status": st} for t, w, b, st in report.slowest]}
    print(f"\nfuzz: {report.requests} requests over {len(patterns)} URL patterns, "
          f"{report.refused} refused; seconds by identity {summary['seconds_by_identity']}\n"
          f"largest body read: {size:,} bytes ({what.strip()}) answered {status} "
          f"in {seconds:.3f} s")
    for t, w, b, st in report.slowest:
        print(f"slow: {t:.3f} s  {w.strip()} ({b:,} bytes, {st})")
    if os.environ.get("FUZZ_REPORT"):
        with open(os.environ["FUZZ_REPORT"], "w") as out:
            json.dump(summary, out, indent=2)

    assert not report.failures, "\n".join(report.failures[:40])
    assert unreachable == [], unreachable
    # The world is real: every product page answered the operator once without a 404.
    assert [n for n in product if report.answered[n] <= {404, 405}] == []
