"""API keys: made with `secrets`, shown once, stored as SHA-256 (a key is 256 random
bits, so a fast hash suffices: there is nothing to brute-force)."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from sales.models import ApiKey

PREFIX = "hsk_"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create(organization, name: str, by=None) -> tuple[ApiKey, str]:
    """A new key: (row, the key itself, to show once)."""
    key = PREFIX + secrets.token_urlsafe(32)
    row = ApiKey.objects.create(organization=organization, name=name.strip() or "API key",
                                prefix=key[:10], digest=digest(key), created_by=by)
    return row, key


def revoke(row: ApiKey) -> None:
    ApiKey.objects.filter(pk=row.pk, revoked_at=None).update(revoked_at=timezone.now())


def authenticate(key: str) -> ApiKey | None:
    """The live key this is, or None (unknown or revoked)."""
    if not key or not key.startswith(PREFIX) or len(key) > 100:
        return None
    row = ApiKey.objects.select_related("organization").filter(
        digest=digest(key), revoked_at=None).first()
    if row is not None:
        ApiKey.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row
