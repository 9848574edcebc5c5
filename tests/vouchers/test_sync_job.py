from conftest import run_jobs
from hotspot import queues
from tests.radius.fixtures import radius_rows
from vouchers.models import Voucher
from vouchers.services.generate import generate_batch
from vouchers.services.lifecycle import retry_failed, revoke_batch
from vouchers.services.sync import verify_batch


def test_it_syncs_a_batch_through_the_agent_in_a_real_worker(acme, profile, radius_server):
    batch = generate_batch(acme, profile, 600, radius_server=radius_server)
    assert set(batch.vouchers.values_list("radius_sync_status", flat=True)) == {"pending"}

    run_jobs(queues.RADIUS_SYNC)

    vouchers = list(batch.vouchers.all())
    assert {v.radius_sync_status for v in vouchers} == {"synced"}
    assert all(v.radius_synced_at for v in vouchers)
    codes = [v.code for v in vouchers]
    check = radius_rows("radcheck", codes)
    # password, simultaneous use, time limit, data limit, validity
    assert len(check) == 600 * 5
    assert (codes[0], "Cleartext-Password", ":=", vouchers[0].password) in check
    reply = radius_rows("radreply", codes[:1])
    assert [r[1:] for r in reply] == [
        ("Mikrotik-Rate-Limit", ":=", "2M/5M"),
        ("Mikrotik-Total-Limit", ":=", str(2**30)),
        ("Session-Timeout", ":=", "86400"),
    ]


def test_it_never_duplicates_rows_when_a_batch_is_sent_again(acme, profile, radius_server):
    batch = generate_batch(acme, profile, 300, radius_server=radius_server)
    run_jobs(queues.RADIUS_SYNC)
    codes = list(batch.vouchers.values_list("code", flat=True))
    before = radius_rows("radcheck", codes) + radius_rows("radreply", codes)

    batch.vouchers.update(radius_sync_status=Voucher.SyncStatus.FAILED)
    retry_failed(batch)
    run_jobs(queues.RADIUS_SYNC)

    assert radius_rows("radcheck", codes) + radius_rows("radreply", codes) == before
    assert set(batch.vouchers.values_list("radius_sync_status", flat=True)) == {"synced"}


def test_it_fails_vouchers_after_three_attempts_and_retries_them_when_the_agent_is_back(
    acme, profile, dead_agent_server, live_server
):
    batch = generate_batch(acme, profile, 300, radius_server=dead_agent_server)
    run_jobs(queues.RADIUS_SYNC)

    vouchers = list(batch.vouchers.all())
    assert {v.radius_sync_status for v in vouchers} == {"failed"}
    assert "agent unreachable" in vouchers[0].radius_sync_error

    dead_agent_server.agent_url = f"{live_server.url}/radius/agent/"
    dead_agent_server.save()
    assert retry_failed(batch) == 300
    run_jobs(queues.RADIUS_SYNC)
    run_jobs(queues.RADIUS_SYNC)  # and once more: nothing is sent twice

    assert set(batch.vouchers.values_list("radius_sync_status", flat=True)) == {"synced"}
    codes = [v.code for v in vouchers]
    assert len(radius_rows("radcheck", codes)) == 300 * 5


def test_it_removes_revoked_vouchers_from_radius(acme, profile, radius_server):
    batch = generate_batch(acme, profile, 10, radius_server=radius_server)
    run_jobs(queues.RADIUS_SYNC)
    codes = list(batch.vouchers.values_list("code", flat=True))

    assert revoke_batch(batch) == 10
    run_jobs(queues.RADIUS_SYNC)

    assert radius_rows("radcheck", codes) == []
    assert set(batch.vouchers.values_list("state", "radius_sync_status")) == {
        ("revoked", "synced")
    }


def test_it_verifies_a_batch_and_reports_missing_extra_and_changed_rows(
    acme, profile, radius_server, radius_tables
):
    batch = generate_batch(acme, profile, 5, radius_server=radius_server)
    run_jobs(queues.RADIUS_SYNC)
    a, b, c = batch.vouchers.order_by("pk")[:3]
    with radius_tables.cursor() as cursor:
        cursor.execute("DELETE FROM radreply WHERE username = %s", [a.code])
        cursor.execute("INSERT INTO radcheck (username, attribute, op, value)"
                       " VALUES (%s, 'Auth-Type', ':=', 'Accept')", [b.code])
        cursor.execute("UPDATE radcheck SET value = 'hijacked' WHERE username = %s"
                       " AND attribute = 'Cleartext-Password'", [c.code])

    report = verify_batch(batch)

    assert report["checked"] == 5 and report["ok"] == 2
    problems = {p["code"]: p for p in report["problems"]}
    assert {row[1] for row in problems[a.code]["missing"]} == {
        "Mikrotik-Rate-Limit", "Mikrotik-Total-Limit", "Session-Timeout"
    }
    assert problems[b.code]["extra"] == [["check", "Auth-Type", ":=", "Accept"]]
    assert problems[c.code]["changed"][0][0] == "check"
    assert batch.vouchers.filter(radius_sync_status="failed").count() == 3


def test_the_read_back_digest_is_the_rows_digest_and_a_changed_row_fails_its_voucher(
    acme, profile, radius_server, radius_tables
):
    """The agent answers a digest of each voucher's rows read back; PostgreSQL's digest
    must be the one radius.attributes computes, and a row that is not what was sent
    (here a trigger rewrites one voucher's password as it is stored) fails that voucher
    with the difference spelled out, while the others are synced."""
    from radius import attributes, services
    from radius.models import AgentScope

    batch = generate_batch(acme, profile, 300, radius_server=radius_server, prefix="Q")
    victim = batch.vouchers.order_by("pk")[137]
    with radius_tables.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION tamper() RETURNS trigger AS $$ BEGIN"
            " IF NEW.username = '" + victim.code + "' AND NEW.attribute = 'Cleartext-Password'"
            " THEN NEW.value := 'tampered'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql")
        cursor.execute("CREATE TRIGGER tamper BEFORE INSERT ON radcheck"
                       " FOR EACH ROW EXECUTE FUNCTION tamper()")
    try:
        run_jobs(queues.RADIUS_SYNC)
    finally:
        with radius_tables.cursor() as cursor:
            cursor.execute("DROP TRIGGER tamper ON radcheck")
            cursor.execute("DROP FUNCTION tamper()")

    victim.refresh_from_db()
    assert victim.radius_sync_status == "failed"
    assert victim.radius_sync_error == "RADIUS rows differ: changed check Cleartext-Password"
    assert batch.vouchers.filter(radius_sync_status="synced").count() == 299
    codes = list(batch.vouchers.values_list("code", flat=True))
    scope = AgentScope.objects.get().key
    rows = services.read_users(scope, codes)
    digests = services.read_digests(scope, codes)
    assert len(digests) == 300
    assert digests == {code: attributes.digest(r) for code, r in rows.items()}
    # As the agent reads them right after its write claimed the names: the same digests.
    assert services.read_digests(scope, codes, claimed=True) == digests


def test_rows_put_in_radius_by_other_means_under_a_new_code_fail_it_until_retried(
    acme, profile, radius_server, radius_tables
):
    """A first write skips deleting rows of names no write has claimed (there are none it
    wrote): a row someone else put there under a new voucher's code shows as an extra row
    in the read-back, the voucher fails saying so, and Retry (the name now claimed)
    deletes it and syncs the voucher clean."""
    batch = generate_batch(acme, profile, 300, radius_server=radius_server, prefix="F")
    victim = batch.vouchers.order_by("pk")[42]
    with radius_tables.cursor() as cursor:
        cursor.execute("INSERT INTO radcheck (username, attribute, op, value)"
                       " VALUES (%s, 'Auth-Type', ':=', 'Accept')", [victim.code])

    run_jobs(queues.RADIUS_SYNC)

    victim.refresh_from_db()
    assert victim.radius_sync_status == "failed"
    assert victim.radius_sync_error == "RADIUS rows differ: extra check Auth-Type"
    assert batch.vouchers.filter(radius_sync_status="synced").count() == 299

    assert retry_failed(batch) == 1
    run_jobs(queues.RADIUS_SYNC)

    victim.refresh_from_db()
    assert victim.radius_sync_status == "synced"
    check = radius_rows("radcheck", [victim.code])
    assert ("Auth-Type" not in {row[1] for row in check}) and len(check) == 5


def test_postgresql_digests_rows_as_python_does_whatever_the_text(radius_tables):
    """Sorting and lengths agree for any text: accents, symbols, digits that sort as
    text ("10" before "9"), values holding the separators, duplicated rows."""
    from radius import attributes, services

    users = [attributes.clean_user({"username": name, "password": password,
                                    "profile": group, "rate_limit": rate,
                                    "time_limit": limit, "data_limit": 5 * 2**30})
             for name, password, group, rate, limit in [
                 ("u1", "pässwörd", "Café 1h", "2M/5M", 9),
                 ("u2", "1:2:3", "Ω-plan", "10M/10M", 10),
                 ("u3", "ü" * 40, "", "", None)]]
    services.write_users("s1", users)
    with radius_tables.cursor() as cursor:  # a duplicated row, as a double insert leaves
        cursor.execute("INSERT INTO radreply (username, attribute, op, value)"
                       " SELECT username, attribute, op, value FROM radreply"
                       " WHERE username = 'u2' LIMIT 1")
    rows = services.read_users("s1", ["u1", "u2", "u3", "absent"])
    digests = services.read_digests("s1", ["u1", "u2", "u3", "absent"])
    assert set(digests) == {"u1", "u2", "u3"}
    assert digests == {name: attributes.digest(r) for name, r in rows.items()}
    assert digests["u1"] == attributes.digest(attributes.rows_for(users[0]))
    for user in users:  # the sync's shortcut is the same digest
        assert attributes.user_digest(user) == attributes.digest(attributes.rows_for(user))
    assert digests["u2"] != attributes.digest(attributes.rows_for(users[1]))  # the duplicate


def _sleeping_agent_write(connection, code: str, seconds: float):
    """A trigger that holds the agent's write of `code`'s password row for `seconds` (the
    chunk holding that voucher stays in flight meanwhile)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION hold() RETURNS trigger AS $$ BEGIN"
            f" IF NEW.username = '{code}' AND NEW.attribute = 'Cleartext-Password'"
            f" THEN PERFORM pg_sleep({seconds}); END IF;"
            " RETURN NEW; END $$ LANGUAGE plpgsql")
        cursor.execute("CREATE TRIGGER hold BEFORE INSERT ON radcheck"
                       " FOR EACH ROW EXECUTE FUNCTION hold()")


def _drop_sleeping_agent_write(connection):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS hold ON radcheck")
        cursor.execute("DROP FUNCTION IF EXISTS hold()")


def _when_held(then):
    """Run `then` in a thread once the held write is sleeping; returns the thread."""
    import threading
    import time

    from django.db import connections

    def watch():
        try:
            deadline = time.monotonic() + 30
            with connections["default"].cursor() as cursor:
                while time.monotonic() < deadline:
                    cursor.execute("SELECT count(*) FROM pg_stat_activity"
                                   " WHERE wait_event = 'PgSleep'")
                    if cursor.fetchone()[0]:
                        then()
                        return
                    time.sleep(0.02)
        finally:
            connections.close_all()

    thread = threading.Thread(target=watch)
    thread.start()
    return thread


def test_a_voucher_revoked_while_its_chunk_is_in_flight_is_not_marked_synced(
    acme, profile, radius_server, radius_tables
):
    """No voucher row is locked while the agent writes: the revoke goes through at once,
    the sync does not mark the changed voucher (its row is no longer the version it sent),
    and the next sync removes it from RADIUS. (The revoke is the update revoke_vouchers
    makes, without the job it enqueues: both syncs run right here, in order.)"""
    from django.db import connections

    from vouchers.services.sync import sync_batch

    batch = generate_batch(acme, profile, 300, radius_server=radius_server, prefix="R")
    victim = batch.vouchers.order_by("pk")[10]
    _sleeping_agent_write(radius_tables, victim.code, 3)
    still_held = []

    def revoke():
        Voucher.objects.filter(pk=victim.pk).update(
            state=Voucher.State.REVOKED, radius_sync_status=Voucher.SyncStatus.PENDING)
        # Committed while the agent's write of that voucher is still held: the revoke
        # did not wait for the sync (a row lock would have kept it until after).
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'")
            still_held.append(cursor.fetchone()[0] > 0)

    try:
        watcher = _when_held(revoke)
        sync_batch(batch)
        watcher.join()
    finally:
        _drop_sleeping_agent_write(radius_tables)

    assert still_held == [True]
    victim.refresh_from_db()
    assert (victim.state, victim.radius_sync_status, victim.radius_sync_error) == (
        "revoked", "pending", "")
    assert batch.vouchers.filter(radius_sync_status="synced").count() == 299

    sync_batch(batch)  # the sync the revoke asks for
    victim.refresh_from_db()
    assert (victim.state, victim.radius_sync_status) == ("revoked", "synced")
    assert radius_rows("radcheck", [victim.code]) == []


def test_one_sync_runs_per_batch_a_second_waits_for_the_first(
    acme, profile, radius_server, radius_tables
):
    """A job doubled by the reconciler waits on the batch's lock while the first sends,
    then finds nothing left: every voucher is written once."""
    import threading

    from django.db import connections

    from vouchers.services.sync import sync_batch

    batch = generate_batch(acme, profile, 300, radius_server=radius_server, prefix="D")
    first = batch.vouchers.order_by("pk")[0]
    _sleeping_agent_write(radius_tables, first.code, 2)
    with radius_tables.cursor() as cursor:
        cursor.execute("CREATE TABLE writes (username text)")
        cursor.execute(
            "CREATE FUNCTION count_write() RETURNS trigger AS $$ BEGIN"
            " IF NEW.attribute = 'Cleartext-Password' THEN"
            " INSERT INTO writes VALUES (NEW.username); END IF; RETURN NEW; END $$"
            " LANGUAGE plpgsql")
        cursor.execute("CREATE TRIGGER count_write AFTER INSERT ON radcheck"
                       " FOR EACH ROW EXECUTE FUNCTION count_write()")
    results = []

    def second():
        try:
            results.append(sync_batch(type(batch).objects.get(pk=batch.pk)))
        finally:
            connections.close_all()

    try:
        watcher = _when_held(lambda: results.append("held"))
        doubled = threading.Thread(target=second)
        doubled.start()
        results.append(sync_batch(batch))
        doubled.join(60)
        watcher.join()
        with radius_tables.cursor() as cursor:
            cursor.execute("SELECT username, count(*) FROM writes GROUP BY username"
                           " HAVING count(*) > 1")
            twice = cursor.fetchall()
            cursor.execute("SELECT count(DISTINCT username) FROM writes")
            written = cursor.fetchone()[0]
    finally:
        _drop_sleeping_agent_write(radius_tables)
        with radius_tables.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS count_write ON radcheck")
            cursor.execute("DROP FUNCTION IF EXISTS count_write()")
            cursor.execute("DROP TABLE IF EXISTS writes")

    assert "held" in results
    assert twice == [] and written == 300
    assert set(batch.vouchers.values_list("radius_sync_status", flat=True)) == {"synced"}
