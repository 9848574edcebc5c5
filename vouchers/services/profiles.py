"""Default voucher profiles every organization starts with."""

from __future__ import annotations

from decimal import Decimal

GiB = 2**30
DEFAULT_PROFILES = [
    # name, time limit (s), data limit (bytes), up, down, shared users, valid for (s), price
    ("1 hour", 3600, None, "1M", "2M", 1, 86400, Decimal("0.50")),
    ("1 day 1 GB", 86400, GiB, "2M", "5M", 1, 86400, Decimal("2.00")),
    ("1 week 5 GB", 7 * 86400, 5 * GiB, "2M", "5M", 2, 7 * 86400, Decimal("8.00")),
    ("30 days unlimited", None, None, "5M", "10M", 1, 30 * 86400, Decimal("25.00")),
]


def create_default_profiles(organization, profile_model=None) -> int:
    """Create the default profiles an organization lacks; returns how many were made."""
    if profile_model is None:
        from vouchers.models import VoucherProfile as profile_model
    existing = set(
        profile_model.objects.filter(organization=organization).values_list("name", flat=True)
    )
    made = [
        profile_model(
            organization=organization, name=name, time_limit=time_limit, data_limit=data_limit,
            rate_limit_up=up, rate_limit_down=down, shared_users=shared,
            validity="after_first_use", validity_seconds=valid_for, price=price,
        )
        for name, time_limit, data_limit, up, down, shared, valid_for, price in DEFAULT_PROFILES
        if name not in existing
    ]
    profile_model.objects.bulk_create(made)
    return len(made)
