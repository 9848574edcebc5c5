"""Generating a batch of vouchers: unguessable unique codes, inserted in bulk at once."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from hotspot.jobs import enqueue
from vouchers.models import Voucher, VoucherBatch, VoucherProfile

# No look-alikes: 0/O/D/Q, 1/I/L, 5/S, 2/Z and 8/B are left out where a choice has both.
ALPHABETS = {
    "upper": ("Letters and digits", "23456789ABCDEFGHJKMNPQRSTUVWXYZ"),
    "digits": ("Digits only", "23456789"),
    "lower": ("Lower-case letters and digits", "23456789abcdefghjkmnpqrstuvwxyz"),
    "letters": ("Upper-case letters only", "ABCDEFGHJKMNPQRTUVWXY"),
}
MIN_CODE_LENGTH, MAX_CODE_LENGTH = 4, 20
PASSWORD_LENGTH = 6
INSERT_CHUNK = 5000
COLLISION_ROUNDS = 10


class GenerationError(ValueError):
    """A batch that cannot be generated as asked; the message is for the operator."""


def _codes(count: int, length: int, alphabet: str, prefix: str) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(prefix + "".join(secrets.choice(alphabet) for _ in range(length)))
    return list(codes)


def _taken(codes: list[str]) -> set[str]:
    taken: set[str] = set()
    for i in range(0, len(codes), INSERT_CHUNK):
        chunk = codes[i : i + INSERT_CHUNK]
        taken.update(Voucher.objects.filter(code__in=chunk).values_list("code", flat=True))
    return taken


def unique_codes(count: int, length: int, alphabet: str, prefix: str) -> list[str]:
    """`count` codes from `secrets`, distinct and not used anywhere in the system yet."""
    codes = _codes(count, length, alphabet, prefix)
    for _ in range(COLLISION_ROUNDS):
        taken = _taken(codes)
        if not taken:
            return codes
        keep = [c for c in codes if c not in taken]
        fresh = set(keep)
        while len(fresh) < count:
            fresh.add(prefix + "".join(secrets.choice(alphabet) for _ in range(length)))
        codes = list(fresh)
    raise GenerationError("Could not find enough unused codes: use longer codes.")


def _validate(organization, profile, count, router, radius_server, code_length, alphabet):
    if profile is None or profile.organization_id != organization.pk:
        raise GenerationError("Choose one of your voucher profiles.")
    if not isinstance(count, int) or count < 1 or count > settings.VOUCHER_MAX_BATCH:
        raise GenerationError(
            f"A batch holds from 1 to {settings.VOUCHER_MAX_BATCH:,} vouchers."
        )
    if not MIN_CODE_LENGTH <= code_length <= MAX_CODE_LENGTH:
        raise GenerationError(f"Codes are {MIN_CODE_LENGTH} to {MAX_CODE_LENGTH} characters.")
    if alphabet not in ALPHABETS:
        raise GenerationError("Choose one of the offered alphabets.")
    for thing in (router, radius_server):
        if thing is not None and thing.organization_id != organization.pk:
            raise GenerationError("Choose one of your routers or RADIUS servers.")
    server = radius_server or (router.radius_server if router else None)
    if server is None:
        raise GenerationError("Choose a RADIUS server, or a router linked to one.")
    if len(ALPHABETS[alphabet][1]) ** code_length < count * 1000:
        raise GenerationError("Codes this short would be guessable: use longer codes.")


def generate_batch(
    organization, profile: VoucherProfile, count: int, *, router=None, radius_server=None,
    code_length: int = 8, alphabet: str = "upper", separate_password: bool = False,
    prefix: str = "", login_url: str = "", created_by=None,
) -> VoucherBatch:
    """Create a batch and its vouchers in one transaction; the RADIUS sync runs after commit."""
    _validate(organization, profile, count, router, radius_server, code_length, alphabet)
    letters = ALPHABETS[alphabet][1]
    if prefix and not prefix.isalnum():
        raise GenerationError("A prefix holds letters and digits only.")
    options = {
        "router": router, "radius_server": radius_server, "code_length": code_length,
        "alphabet": letters, "separate_password": separate_password, "prefix": prefix,
        "login_url": login_url, "created_by": created_by,
    }
    for _ in range(3):  # a code taken by a concurrent batch between check and insert
        codes = unique_codes(count, code_length, letters, prefix)
        try:
            with transaction.atomic():
                return _insert(organization, profile, codes, options)
        except IntegrityError:
            continue
    raise GenerationError("Could not store unique codes, please try again.")


def _expiry(profile: VoucherProfile):
    return profile.fixed_expiry if profile.validity == VoucherProfile.Validity.FIXED else None


def _insert(organization, profile, codes: list[str], options: dict) -> VoucherBatch:
    from vouchers import jobs  # jobs import this module's siblings

    batch = VoucherBatch.objects.create(
        organization=organization, profile=profile, count=len(codes),
        batch_id=f"B{timezone.now():%y%m%d}-{secrets.token_hex(4).upper()}", **options,
    )
    password_letters = ALPHABETS["digits"][1] + "abcdefghjkmnpqrstuvwxyz"
    expires_at = _expiry(profile)
    vouchers = (
        Voucher(
            organization=organization, batch=batch, code=code, expires_at=expires_at,
            password=(
                "".join(secrets.choice(password_letters) for _ in range(PASSWORD_LENGTH))
                if options["separate_password"] else code
            ),
        )
        for code in codes
    )
    Voucher.objects.bulk_create(vouchers, batch_size=2000)
    enqueue(jobs.sync_batch, batch.pk)
    return batch
