"""FreeRADIUS's own SQL schema (3.2.x, mods-config/sql/main/<dialect>/schema.sql), adapted.

Adapted: lower-case identifiers, comments dropped, and the tables this product does
not use (radgroup*, nasreload stay; nothing else added). The standard tables have no
unique key on (username, attribute): idempotency comes from DELETE-then-INSERT in one
transaction (radius.services), not from constraints.
"""

POSTGRESQL = [
    """CREATE TABLE IF NOT EXISTS radacct (
        radacctid bigserial PRIMARY KEY,
        acctsessionid text NOT NULL,
        acctuniqueid text NOT NULL UNIQUE,
        username text,
        realm text,
        nasipaddress inet NOT NULL,
        nasportid text,
        nasporttype text,
        acctstarttime timestamp with time zone,
        acctupdatetime timestamp with time zone,
        acctstoptime timestamp with time zone,
        acctinterval bigint,
        acctsessiontime bigint,
        acctauthentic text,
        connectinfo_start text,
        connectinfo_stop text,
        acctinputoctets bigint,
        acctoutputoctets bigint,
        calledstationid text,
        callingstationid text,
        acctterminatecause text,
        servicetype text,
        framedprotocol text,
        framedipaddress inet,
        framedipv6address inet,
        framedipv6prefix inet,
        framedinterfaceid text,
        delegatedipv6prefix inet,
        class text
    )""",
    "CREATE INDEX IF NOT EXISTS radacct_active_session_idx ON radacct (acctuniqueid)"
    " WHERE acctstoptime IS NULL",
    "CREATE INDEX IF NOT EXISTS radacct_bulk_close ON radacct (nasipaddress, acctstarttime)"
    " WHERE acctstoptime IS NULL",
    "CREATE INDEX IF NOT EXISTS radacct_start_user_idx ON radacct (acctstarttime, username)",
    "CREATE INDEX IF NOT EXISTS radacct_username_idx ON radacct (username)",  # ours: usage reads
    "CREATE INDEX IF NOT EXISTS radacct_calss_idx ON radacct (class)",
    """CREATE TABLE IF NOT EXISTS radcheck (
        id serial PRIMARY KEY,
        username text NOT NULL DEFAULT '',
        attribute text NOT NULL DEFAULT '',
        op varchar(2) NOT NULL DEFAULT '==',
        value text NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX IF NOT EXISTS radcheck_username ON radcheck (username, attribute)",
    """CREATE TABLE IF NOT EXISTS radgroupcheck (
        id serial PRIMARY KEY,
        groupname text NOT NULL DEFAULT '',
        attribute text NOT NULL DEFAULT '',
        op varchar(2) NOT NULL DEFAULT '==',
        value text NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX IF NOT EXISTS radgroupcheck_groupname ON radgroupcheck (groupname, attribute)",
    """CREATE TABLE IF NOT EXISTS radgroupreply (
        id serial PRIMARY KEY,
        groupname text NOT NULL DEFAULT '',
        attribute text NOT NULL DEFAULT '',
        op varchar(2) NOT NULL DEFAULT '=',
        value text NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX IF NOT EXISTS radgroupreply_groupname ON radgroupreply (groupname, attribute)",
    """CREATE TABLE IF NOT EXISTS radreply (
        id serial PRIMARY KEY,
        username text NOT NULL DEFAULT '',
        attribute text NOT NULL DEFAULT '',
        op varchar(2) NOT NULL DEFAULT '=',
        value text NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX IF NOT EXISTS radreply_username ON radreply (username, attribute)",
    """CREATE TABLE IF NOT EXISTS radusergroup (
        id serial PRIMARY KEY,
        username text NOT NULL DEFAULT '',
        groupname text NOT NULL DEFAULT '',
        priority integer NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS radusergroup_username ON radusergroup (username)",
    """CREATE TABLE IF NOT EXISTS radpostauth (
        id bigserial PRIMARY KEY,
        username text NOT NULL,
        pass text,
        reply text,
        calledstationid text,
        callingstationid text,
        authdate timestamp with time zone NOT NULL default now(),
        class text
    )""",
    "CREATE INDEX IF NOT EXISTS radpostauth_username_idx ON radpostauth (username)",
    "CREATE INDEX IF NOT EXISTS radpostauth_class_idx ON radpostauth (class)",
    """CREATE TABLE IF NOT EXISTS nas (
        id serial PRIMARY KEY,
        nasname text NOT NULL,
        shortname text NOT NULL,
        type text NOT NULL DEFAULT 'other',
        ports integer,
        secret text NOT NULL,
        server text,
        community text,
        description text
    )""",
    "CREATE INDEX IF NOT EXISTS nas_nasname ON nas (nasname)",
    """CREATE TABLE IF NOT EXISTS nasreload (
        nasipaddress inet PRIMARY KEY,
        reloadtime timestamp with time zone NOT NULL
    )""",
]

# The SQLite variant (mods-config/sql/main/sqlite/schema.sql) for the embedded default.
SQLITE = [
    """CREATE TABLE IF NOT EXISTS radacct (
        radacctid INTEGER PRIMARY KEY AUTOINCREMENT,
        acctsessionid varchar(64) NOT NULL DEFAULT '',
        acctuniqueid varchar(32) NOT NULL DEFAULT '' UNIQUE,
        username varchar(64) NOT NULL DEFAULT '',
        realm varchar(64) DEFAULT '',
        nasipaddress varchar(15) NOT NULL DEFAULT '',
        nasportid varchar(32) DEFAULT NULL,
        nasporttype varchar(32) DEFAULT NULL,
        acctstarttime datetime NULL default NULL,
        acctupdatetime datetime NULL default NULL,
        acctstoptime datetime NULL default NULL,
        acctinterval int(12) DEFAULT NULL,
        acctsessiontime int(12) DEFAULT NULL,
        acctauthentic varchar(32) DEFAULT NULL,
        connectinfo_start varchar(128) DEFAULT NULL,
        connectinfo_stop varchar(128) DEFAULT NULL,
        acctinputoctets bigint(20) DEFAULT NULL,
        acctoutputoctets bigint(20) DEFAULT NULL,
        calledstationid varchar(50) NOT NULL DEFAULT '',
        callingstationid varchar(50) NOT NULL DEFAULT '',
        acctterminatecause varchar(32) NOT NULL DEFAULT '',
        servicetype varchar(32) DEFAULT NULL,
        framedprotocol varchar(32) DEFAULT NULL,
        framedipaddress varchar(15) NOT NULL DEFAULT '',
        framedipv6address varchar(45) NOT NULL DEFAULT '',
        framedipv6prefix varchar(45) NOT NULL DEFAULT '',
        framedinterfaceid varchar(44) NOT NULL DEFAULT '',
        delegatedipv6prefix varchar(45) NOT NULL DEFAULT '',
        class varchar(64) DEFAULT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS radacct_username_idx ON radacct (username)",
    *[
        f"""CREATE TABLE IF NOT EXISTS {table} (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            {key} varchar(64) NOT NULL default '',
            attribute varchar(64) NOT NULL default '',
            op char(2) NOT NULL DEFAULT '{op}',
            value varchar(253) NOT NULL default ''
        )"""
        for table, key, op in (
            ("radcheck", "username", "=="), ("radreply", "username", "="),
            ("radgroupcheck", "groupname", "=="), ("radgroupreply", "groupname", "="),
        )
    ],
    "CREATE INDEX IF NOT EXISTS radcheck_username ON radcheck (username, attribute)",
    "CREATE INDEX IF NOT EXISTS radreply_username ON radreply (username, attribute)",
    """CREATE TABLE IF NOT EXISTS radusergroup (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        username varchar(64) NOT NULL default '',
        groupname varchar(64) NOT NULL default '',
        priority int(11) NOT NULL default '1'
    )""",
    "CREATE INDEX IF NOT EXISTS radusergroup_username ON radusergroup (username)",
    """CREATE TABLE IF NOT EXISTS radpostauth (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        username varchar(64) NOT NULL default '',
        pass varchar(64) NOT NULL default '',
        reply varchar(32) NOT NULL default '',
        authdate timestamp NOT NULL DEFAULT current_timestamp,
        class varchar(64) DEFAULT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS nas (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        nasname varchar(128) NOT NULL,
        shortname varchar(32),
        type varchar(30) DEFAULT 'other',
        ports int(5),
        secret varchar(60) DEFAULT 'secret' NOT NULL,
        server varchar(64),
        community varchar(50),
        description varchar(200) DEFAULT 'RADIUS Client'
    )""",
    "CREATE INDEX IF NOT EXISTS nas_nasname ON nas (nasname)",
]

# Ours, beside FreeRADIUS's tables (FreeRADIUS never reads them): which agent scope wrote
# each username. A username belongs to the first scope that writes it, for good (its
# accounting history stays that scope's after the user is removed). Looked up by username
# only (the primary key), the scope compared on the row: no index by scope, which every
# voucher written would update (radius/0007 drops the one earlier versions made).
AGENT_POSTGRESQL = [
    "CREATE TABLE IF NOT EXISTS radowner (username text PRIMARY KEY, scope text NOT NULL)",
]
AGENT_SQLITE = [
    "CREATE TABLE IF NOT EXISTS radowner (username varchar(64) PRIMARY KEY,"
    " scope varchar(40) NOT NULL)",
]

# Also ours: the device a voucher is bound to (written by FreeRADIUS's hotspot_device_bind
# policy at the first login, removed by the agent when the operator releases it), and a
# change number on radacct so the agent can hand out accounting changes in order: every
# insert and update (Start, Interim, Stop, a close by the agent) takes the next number,
# whatever clock the router's timestamps follow.
ACCOUNTING_POSTGRESQL = [
    "CREATE TABLE IF NOT EXISTS radbinding (username text PRIMARY KEY,"
    " callingstationid text NOT NULL, boundat timestamp with time zone NOT NULL DEFAULT now())",
    "CREATE SEQUENCE IF NOT EXISTS radacct_change_seq",
    "ALTER TABLE radacct ADD COLUMN IF NOT EXISTS changeseq bigint",
    "CREATE INDEX IF NOT EXISTS radacct_changeseq ON radacct (changeseq)",
    """CREATE OR REPLACE FUNCTION radacct_changed() RETURNS trigger AS $$
    BEGIN
        NEW.changeseq := nextval('radacct_change_seq');
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS radacct_changed ON radacct",
    "CREATE TRIGGER radacct_changed BEFORE INSERT OR UPDATE ON radacct"
    " FOR EACH ROW EXECUTE FUNCTION radacct_changed()",
    "UPDATE radacct SET changeseq = nextval('radacct_change_seq') WHERE changeseq IS NULL",
]
ACCOUNTING_SQLITE = [
    "CREATE TABLE IF NOT EXISTS radbinding (username varchar(64) PRIMARY KEY,"
    " callingstationid varchar(50) NOT NULL, boundat datetime NOT NULL DEFAULT current_timestamp)",
    "CREATE TABLE IF NOT EXISTS radacct_change_seq (last integer NOT NULL)",
    "INSERT INTO radacct_change_seq (last) SELECT 0 WHERE NOT EXISTS"
    " (SELECT 1 FROM radacct_change_seq)",
    "ALTER TABLE radacct ADD COLUMN changeseq integer",
    "CREATE INDEX IF NOT EXISTS radacct_changeseq ON radacct (changeseq)",
    # Recursive triggers are off in SQLite: the trigger's own UPDATE does not fire it again.
    """CREATE TRIGGER IF NOT EXISTS radacct_changed_insert AFTER INSERT ON radacct BEGIN
        UPDATE radacct_change_seq SET last = last + 1;
        UPDATE radacct SET changeseq = (SELECT last FROM radacct_change_seq)
        WHERE radacctid = NEW.radacctid;
    END""",
    """CREATE TRIGGER IF NOT EXISTS radacct_changed_update AFTER UPDATE ON radacct BEGIN
        UPDATE radacct_change_seq SET last = last + 1;
        UPDATE radacct SET changeseq = (SELECT last FROM radacct_change_seq)
        WHERE radacctid = NEW.radacctid;
    END""",
]

TABLES = [
    "radowner", "radbinding", "radacct_change_seq",
    "radacct", "radcheck", "radgroupcheck", "radgroupreply", "radreply", "radusergroup",
    "radpostauth", "nas", "nasreload",
]


def create(connection) -> None:
    """Create the FreeRADIUS tables on `connection` (a Django connection)."""
    statements = POSTGRESQL if connection.vendor == "postgresql" else SQLITE
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def create_agent_tables(connection) -> None:
    """The agent's own tables (radowner) on `connection`."""
    statements = AGENT_POSTGRESQL if connection.vendor == "postgresql" else AGENT_SQLITE
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def create_accounting(connection) -> None:
    """radbinding, and radacct's change numbers (ALTER TABLE: run once, by migration)."""
    statements = ACCOUNTING_POSTGRESQL if connection.vendor == "postgresql" else \
        ACCOUNTING_SQLITE
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop(connection) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
