"""Printable vouchers: the hotspot login URL with the credentials, as a local QR code."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from urllib.parse import urlencode

import segno
from django.conf import settings

from vouchers.models import Voucher, VoucherBatch

CSV_HEADER = ["code", "password", "profile", "price", "state", "sync_status", "synced_at",
              "expires_at", "batch"]


def login_url(batch: VoucherBatch, voucher: Voucher) -> str:
    """The hotspot login page, pre-filled (MikroTik's login accepts username/password)."""
    base = batch.login_url or settings.VOUCHER_LOGIN_URL
    query = urlencode({"username": voucher.code, "password": voucher.password})
    return f"{base}{'&' if '?' in base else '?'}{query}"


def qr_svg(url: str) -> str:
    """An inline SVG QR code, made here (no external service sees the credentials)."""
    return segno.make(url, error="m").svg_inline(scale=2, border=2, omitsize=False)


def cards(batch: VoucherBatch, vouchers) -> list[dict]:
    """What each printed card shows."""
    return [
        {"voucher": v, "url": (url := login_url(batch, v)), "qr": qr_svg(url)} for v in vouchers
    ]


def _cell(value) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value):
        return value


def csv_rows(batch: VoucherBatch) -> Iterator[str]:
    """The batch as CSV lines, passwords included, read in chunks (streamed)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    profile = batch.profile
    for v in batch.vouchers.order_by("pk").iterator(chunk_size=2000):
        yield writer.writerow([
            v.code, v.password, _cell(profile.name), profile.price, v.state, v.radius_sync_status,
            v.radius_synced_at.isoformat() if v.radius_synced_at else "",
            v.expires_at.isoformat() if v.expires_at else "", batch.batch_id,
        ])
