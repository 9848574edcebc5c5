"""Why a batch's vouchers failed to sync, in one sentence an operator can act on.

The sync stores the agent client's error on each voucher ("agent unreachable at
http://10.0.0.5:8000: [Errno 111] Connection refused"). A batch page shows the most
common of them once, translated, instead of the raw errno on every row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count

from vouchers.models import Voucher, VoucherBatch

UNREACHABLE_RE = re.compile(r"^agent unreachable at (?P<url>\S+?):? (?P<cause>.*)$", re.S)
ANSWERED_RE = re.compile(r"^agent answered (?P<status>\d{3}): (?P<cause>.*)$", re.S)
# What the operating system's words mean for an operator.
SOCKET_CAUSES = (
    ("refused", "nothing answers on that port (connection refused): is the agent running, "
                "and is the URL's port right?"),
    ("timed out", "no answer before the timeout: a firewall, a wrong address or a stopped "
                  "machine"),
    ("name or service not known", "the host name is unknown"),
    ("temporary failure in name resolution", "the host name could not be looked up"),
    ("no route to host", "no route to that address"),
    ("network is unreachable", "the network is unreachable"),
    ("reset by peer", "the connection was reset"),
    ("remote end closed", "the agent closed the connection"),
)


@dataclass
class Failure:
    cause: str        # the sentence shown once on the batch page
    error: str        # the stored error it translates (rows with it say "see above")
    count: int        # vouchers failed with this error
    failed: int       # vouchers failed in all


def describe(error: str) -> str:
    """One stored sync error as a sentence."""
    error = (error or "").strip()
    match = UNREACHABLE_RE.match(error)
    if match:
        raw = match["cause"].lower()
        cause = next((words for key, words in SOCKET_CAUSES if key in raw), match["cause"])
        ending = "" if cause.endswith(("?", ".", "!")) else "."
        return f"The RADIUS agent at {match['url']} could not be reached: {cause}{ending}"
    match = ANSWERED_RE.match(error)
    if match:
        status = int(match["status"])
        if status == 401:
            return ("The RADIUS agent refused this server's token (401): give the agent the "
                    "token shown when the server was added, or make a new one on the RADIUS "
                    "servers page.")
        if status == 404:
            return ("The agent URL answered 404: it does not end in the agent API's path "
                    "(…/radius/agent/).")
        return f"The RADIUS agent answered {status}: {match['cause']}"
    if error.startswith("agent URL refused:"):
        return "The agent URL is not allowed: " + error.partition(":")[2].strip()
    return error


def batch_failure(batch: VoucherBatch) -> Failure | None:
    """The most common failure of a batch's vouchers, or None when none failed."""
    failed = Voucher.objects.filter(batch=batch, radius_sync_status=Voucher.SyncStatus.FAILED)
    top = (failed.values_list("radius_sync_error").annotate(n=Count("pk")).order_by("-n")
           .first())
    if top is None:
        return None
    error, count = top
    return Failure(cause=describe(error), error=error, count=count, failed=failed.count())
