"""Generating a batch of vouchers: unguessable unique codes, inserted in bulk at once."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import IntegrityError, connection, transaction
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
PASSWORD_LETTERS = ALPHABETS["digits"][1] + "abcdefghjkmnpqrstuvwxyz"
COLLISION_ROUNDS = 10


class GenerationError(ValueError):
    """A batch that cannot be generated as asked; the message is for the operator."""


def _random_text(size: int, alphabet: str) -> str:
    """`size` characters drawn uniformly from `alphabet` with `secrets`.

    The same odds as secrets.choice per character, in a few calls instead of one per
    character (100,000 codes are 800,000 characters): random bytes are mapped onto the
    alphabet by `translate`, dropping the bytes at the top of 0..255 that would make
    `byte % len(alphabet)` favour the first letters.
    """
    limit = 256 - 256 % len(alphabet)
    table = bytes(ord(alphabet[i % len(alphabet)]) for i in range(limit)) + bytes(256 - limit)
    drop = bytes(range(limit, 256))
    text = b""
    while len(text) < size:
        text += secrets.token_bytes(size - len(text) + 16).translate(table, drop)
    return text[:size].decode("ascii")


def _draw(count: int, length: int, alphabet: str, prefix: str) -> list[str]:
    """`count` distinct codes from `secrets` (not checked against the database here)."""
    codes: set[str] = set()
    while len(codes) < count:
        text = _random_text((count - len(codes)) * length, alphabet)
        codes.update(prefix + text[i : i + length] for i in range(0, len(text), length))
    return list(codes)[:count]


def _codes(count: int, length: int, alphabet: str, prefix: str) -> list[str]:
    """A batch's first draw; codes taken meanwhile are drawn again with `_draw`."""
    return _draw(count, length, alphabet, prefix)


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
    for _ in range(3):  # the random batch_id taken by a concurrent batch
        try:
            with transaction.atomic():
                return _insert(organization, profile, count, options)
        except IntegrityError:
            continue
    raise GenerationError("Could not store unique codes, please try again.")


def _expiry(profile: VoucherProfile):
    return profile.fixed_expiry if profile.validity == VoucherProfile.Validity.FIXED else None


def _insert(organization, profile, count: int, options: dict) -> VoucherBatch:
    from vouchers import jobs  # jobs import this module's siblings

    batch = VoucherBatch.objects.create(
        organization=organization, profile=profile, count=count,
        batch_id=f"B{timezone.now():%y%m%d}-{secrets.token_hex(4).upper()}", **options,
    )
    letters, length, prefix = options["alphabet"], options["code_length"], options["prefix"]
    # Codes must be unique across the system: storing skips those already taken (see
    # _store; a concurrent batch holding the same code is waited out), and only the
    # skipped ones are drawn again.
    codes = _codes(count, length, letters, prefix)
    stored = 0
    space = len(letters) ** length
    for _ in range(COLLISION_ROUNDS):
        stored += _store(batch, codes, options["separate_password"], _expiry(profile), space)
        if stored == count:
            enqueue(jobs.sync_batch, batch.pk, organization=batch.organization_id)
            return batch
        codes = _draw(count - stored, length, letters, prefix)
    raise GenerationError("Could not find enough unused codes: use longer codes.")


def _store(batch: VoucherBatch, codes: list[str], separate_password: bool, expires_at,
           space: int) -> int:
    """Insert these codes into the batch, skipping codes already taken; returns how many.
    `space`: how many codes the batch's length and alphabet allow."""
    if separate_password:
        text = _random_text(len(codes) * PASSWORD_LENGTH, PASSWORD_LETTERS)
        passwords = [text[i : i + PASSWORD_LENGTH] for i in range(0, len(text), PASSWORD_LENGTH)]
    else:
        passwords = codes
    if connection.vendor != "postgresql":
        before = batch.vouchers.count()
        Voucher.objects.bulk_create(
            (Voucher(organization_id=batch.organization_id, batch=batch, code=code,
                     password=password, expires_at=expires_at)
             for code, password in zip(codes, passwords, strict=True)),
            batch_size=2000, ignore_conflicts=True,
        )
        return batch.vouchers.count() - before
    table = Voucher._meta.db_table
    with connection.cursor() as cursor:
        # The rows go in by COPY, a third cheaper than an INSERT that checks every row for
        # a conflict; a COPY that meets a code already taken fails whole and is undone to
        # its savepoint. Where a taken code is unlikely (a table small beside the code
        # space), the COPY is tried at once; otherwise, and after such a failure, the
        # taken codes are left out first (an index lookup each: ~0.1 s per 100,000). A
        # code taken in between by a concurrent batch fails that COPY too: the INSERT
        # below skips it.
        rows = list(zip(codes, passwords, strict=True))
        if _probably_free(cursor, len(codes), space) and _copied(cursor, batch, rows,
                                                                 expires_at):
            return len(rows)
        cursor.execute(f"SELECT code FROM {table} WHERE code = ANY(%s)", [codes])
        taken = {row[0] for row in cursor.fetchall()}
        fresh = [row for row in rows if row[0] not in taken]
        if _copied(cursor, batch, fresh, expires_at):
            return len(fresh)
        # One statement with two array parameters instead of bulk_create's model
        # instances and a placeholder per field.
        cursor.execute(
            f"INSERT INTO {table} (organization_id, batch_id, code, password,"
            " state, expires_at, radius_sync_status, radius_sync_error, created_at)"
            " SELECT %s, %s, code, password, %s, %s, %s, '', %s"
            " FROM unnest(%s::text[], %s::text[]) AS new (code, password)"
            " ON CONFLICT (code) DO NOTHING",
            [batch.organization_id, batch.pk, Voucher.State.UNUSED, expires_at,
             Voucher.SyncStatus.PENDING, timezone.now(), codes, passwords],
        )
        return cursor.rowcount


# At most this many vouchers fit in a page of the table (a voucher row takes over 80 bytes
# of a page's 8,192): the table's size on disk bounds how many codes are taken.
VOUCHERS_PER_PAGE = 100


def _probably_free(cursor, count: int, space: int) -> bool:
    """Whether `count` new codes from a space of `space` are unlikely (under 1 in 20) to
    meet a code already taken, however many of the table's rows are live."""
    cursor.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int",
                   [Voucher._meta.db_table])
    taken_at_most = cursor.fetchone()[0] * VOUCHERS_PER_PAGE
    return count * taken_at_most * 20 < space


def _copied(cursor, batch: VoucherBatch, rows: list[tuple[str, str]], expires_at) -> bool:
    """COPY these (code, password) rows into the batch; False, nothing stored, when a
    code is taken (the COPY is undone to its savepoint)."""
    try:
        with transaction.atomic():
            _copy(cursor, batch, rows, expires_at)
    except IntegrityError:
        return False
    return True


def _copy(cursor, batch: VoucherBatch, rows: list[tuple[str, str]], expires_at) -> None:
    now = timezone.now()
    # The COPY goes to psycopg directly: its errors are made Django's (IntegrityError).
    with connection.wrap_database_errors, cursor.cursor.copy(
            f"COPY {Voucher._meta.db_table} (organization_id, batch_id, code, password, state,"
            " expires_at, radius_sync_status, radius_sync_error, created_at) FROM STDIN") as copy:
        for code, password in rows:
            copy.write_row((batch.organization_id, batch.pk, code, password,
                            Voucher.State.UNUSED, expires_at, Voucher.SyncStatus.PENDING, "",
                            now))
