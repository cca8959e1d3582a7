-- Syncline site objects for PostgreSQL. Every statement is safe to run again.
-- Applied by PostgresSiteInstaller inside one transaction, under an advisory lock.

CREATE SCHEMA IF NOT EXISTS syncline;

-- Who this site is. Exactly one row.
CREATE TABLE IF NOT EXISTS syncline.site (
    singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    site_id        text    NOT NULL,
    sync_group     text    NOT NULL,
    schema_version integer NOT NULL,
    installed_at   timestamptz NOT NULL DEFAULT now()
);

-- The sequence that numbers this site's own writes: vv[self] and the dot's sequence.
CREATE SEQUENCE IF NOT EXISTS syncline.local_seq;

-- One entry per synced row (and per deleted row, as a tombstone, until garbage-collected).
CREATE TABLE IF NOT EXISTS syncline.row_meta (
    table_name text    NOT NULL,
    pk         text    NOT NULL,
    vv         text    NOT NULL,
    hlc        bigint  NOT NULL,
    origin     text    NOT NULL,
    seq        bigint  NOT NULL,
    deleted    boolean NOT NULL,
    PRIMARY KEY (table_name, pk)
);
-- true when the current version was written here by an application (the trigger), false when a
-- Syncline apply wrote it: the capture ships only the former.
ALTER TABLE syncline.row_meta ADD COLUMN IF NOT EXISTS local_write boolean NOT NULL DEFAULT false;

-- Every conflict resolved at this site, written in the apply transaction; the capture ships each row
-- to <group>.conflicts. Nothing is overwritten silently.
CREATE TABLE IF NOT EXISTS syncline.conflicts (
    id               bigserial PRIMARY KEY,
    detected_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    table_name       text    NOT NULL,
    pk               text    NOT NULL,
    conflict_type    text    NOT NULL,
    rule             text    NOT NULL,
    winner           text    NOT NULL,
    resolved_at_site text    NOT NULL,
    local_origin     text    NOT NULL,
    local_seq        bigint  NOT NULL,
    local_hlc        bigint  NOT NULL,
    local_vv         text    NOT NULL,
    local_deleted    boolean NOT NULL,
    local_row        jsonb,
    incoming_origin  text    NOT NULL,
    incoming_seq     bigint  NOT NULL,
    incoming_hlc     bigint  NOT NULL,
    incoming_vv      text    NOT NULL,
    incoming_deleted boolean NOT NULL,
    incoming_row     jsonb,
    result_vv        text    NOT NULL,
    result_deleted   boolean NOT NULL,
    result_row       jsonb
);
-- 'resolved' by the rule, or 'parked' for a person (resolver manual) until resolved through REST.
ALTER TABLE syncline.conflicts ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'resolved';
ALTER TABLE syncline.conflicts ADD COLUMN IF NOT EXISTS settled_at timestamptz;
ALTER TABLE syncline.conflicts ADD COLUMN IF NOT EXISTS settled_by text;

-- Consumed Kafka offsets per sink and partition, stored with the rows they produced,
-- and the lease epoch of the writer that stored them (an older epoch can no longer write).
CREATE TABLE IF NOT EXISTS syncline.offsets (
    consumer        text   NOT NULL,
    topic           text   NOT NULL,
    kafka_partition integer NOT NULL,
    next_offset     bigint NOT NULL,
    epoch           bigint NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (consumer, topic, kafka_partition)
);

-- A writer that takes over a partition records its epoch before it has an offset to store.
ALTER TABLE syncline.offsets ALTER COLUMN next_offset DROP NOT NULL;

-- Optional audit of every applied dot (apply.ledger.enabled): one row per change written here.
CREATE TABLE IF NOT EXISTS syncline.apply_ledger (
    dot_origin text   NOT NULL,
    dot_seq    bigint NOT NULL,
    table_name text   NOT NULL,
    pk         text   NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- The applied change's own version vector (not the row's, which may be a join).
ALTER TABLE syncline.apply_ledger ADD COLUMN IF NOT EXISTS vv text;

-- vv with one entry set: entries sorted by site id in byte order, "a:3,b:5". PL/pgSQL around one query
-- (here and below) so that each session plans the query once: a SQL function that cannot be inlined
-- is planned again at every call, which was most of the cost of a local update.
CREATE OR REPLACE FUNCTION syncline.vv_set(vv text, site text, n bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $f$
BEGIN
    RETURN (SELECT string_agg(e, ',' ORDER BY split_part(e, ':', 1) COLLATE "C")
              FROM (SELECT x AS e
                      FROM unnest(string_to_array(nullif(vv, ''), ',')) AS x
                     WHERE split_part(x, ':', 1) <> site
                    UNION ALL
                    SELECT site || ':' || n) AS entries);
END
$f$;

-- The canonical key text of a row: one key column -> its text; several -> each with '\' and ','
-- escaped, joined by ','. The source computes the same text from the captured key.
-- (A trigger's TG_ARGV counts from 0, hence array_lower.)
CREATE OR REPLACE FUNCTION syncline.row_key(r jsonb, cols text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $f$
BEGIN
    RETURN (SELECT CASE WHEN cardinality(cols) = 1 THEN r ->> cols[array_lower(cols, 1)]
                        ELSE (SELECT string_agg(replace(replace(r ->> c, '\', '\\'), ',', '\,'), ',' ORDER BY o)
                                FROM unnest(cols) WITH ORDINALITY AS k(c, o))
                   END);
END
$f$;

-- Per-column clocks and counter contributions, for tables resolved column by column
-- (column-last-writer-wins) or with counter columns (delta). NULL for other tables.
ALTER TABLE syncline.row_meta ADD COLUMN IF NOT EXISTS col_stamps jsonb;
ALTER TABLE syncline.row_meta ADD COLUMN IF NOT EXISTS counters jsonb;

-- The capture's publication ships only the meta entries written here by an application
-- (WHERE (local_write), see PostgresPublication); a row filter of a table that is updated may name
-- only replica-identity columns, hence FULL (schema version 6). Applied meta entries never leave the
-- server, and the capture does not decode them.
ALTER TABLE syncline.row_meta REPLICA IDENTITY FULL;

-- The columns a write changed, stamped with the write's (hlc, site). oldr is NULL for a new row (an
-- insert, or the new key of a primary-key change): every column is new.
CREATE OR REPLACE FUNCTION syncline.stamp_columns(prev jsonb, hlc bigint, site text, oldr jsonb, newr jsonb)
RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $f$
BEGIN
    RETURN (SELECT CASE WHEN oldr IS NULL THEN '{}'::jsonb ELSE coalesce(prev, '{}'::jsonb) END
                   || coalesce((SELECT jsonb_object_agg(n.key, jsonb_build_array(hlc, site))
                                  FROM jsonb_each(newr) AS n
                                 WHERE oldr IS NULL OR (oldr -> n.key) IS DISTINCT FROM n.value), '{}'::jsonb));
END
$f$;

-- Each counter column's change added to this site's contribution; a new row starts afresh.
CREATE OR REPLACE FUNCTION syncline.add_counters(prev jsonb, site text, oldr jsonb, newr jsonb, cols text[])
RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $f$
DECLARE
    result jsonb := coalesce(prev, '{}'::jsonb);
    c      text;
    d      numeric;
BEGIN
    FOREACH c IN ARRAY cols LOOP
        IF oldr IS NULL THEN
            result := result || jsonb_build_object(c, '{}'::jsonb);
        ELSE
            d := coalesce((newr ->> c)::numeric, 0) - coalesce((oldr ->> c)::numeric, 0);
            result := result || jsonb_build_object(c, coalesce(result -> c, '{}'::jsonb)
                       || jsonb_build_object(site, coalesce((result -> c ->> site)::numeric, 0) + d));
        END IF;
    END LOOP;
    RETURN result;
END
$f$;

-- A local write: next dot, vv[self] := dot, hlc := max(now, previous + 1), origin := self, and (for
-- tracked tables) the column stamps and counters, all in one meta statement, so the capture sees
-- exactly one meta change per row change.
DROP FUNCTION IF EXISTS syncline.record_local_write(text, text, boolean);
CREATE OR REPLACE FUNCTION syncline.record_local_write(t text, k text, del boolean, oldr jsonb, newr jsonb,
        opts text[]) RETURNS void
LANGUAGE plpgsql AS $f$
DECLARE
    me      text;
    s       bigint;
    wall    bigint;
    stamps  boolean := 'stamps' = ANY(opts);
    counted text[];
BEGIN
    SELECT site_id INTO STRICT me FROM syncline.site;
    s := nextval('syncline.local_seq');
    wall := floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint << 16;
    IF cardinality(opts) > 0 THEN
        SELECT coalesce(array_agg(substr(o, 9)), '{}') INTO counted FROM unnest(opts) AS o WHERE o LIKE 'counter:%';
    ELSE
        counted := '{}';
    END IF;
    INSERT INTO syncline.row_meta AS m (table_name, pk, vv, hlc, origin, seq, deleted, local_write, col_stamps,
            counters)
    VALUES (t, k, me || ':' || s, wall, me, s, del, true,
            CASE WHEN stamps AND NOT del THEN syncline.stamp_columns(NULL, wall, me, oldr, newr) END,
            CASE WHEN cardinality(counted) > 0 AND NOT del
                 THEN syncline.add_counters(NULL, me, oldr, newr, counted) END)
    ON CONFLICT (table_name, pk) DO UPDATE
       SET vv = syncline.vv_set(m.vv, me, s),
           hlc = greatest(wall, m.hlc + 1),
           origin = me,
           seq = s,
           deleted = del,
           local_write = true,
           col_stamps = CASE WHEN stamps AND NOT del
                             THEN syncline.stamp_columns(m.col_stamps, greatest(wall, m.hlc + 1), me, oldr, newr)
                             ELSE m.col_stamps END,
           counters = CASE WHEN cardinality(counted) > 0 AND NOT del
                           THEN syncline.add_counters(m.counters, me, oldr, newr, counted)
                           ELSE m.counters END;
END
$f$;

-- A local INSERT of a key with no meta entry at all: writes its first entry and returns true, or
-- returns false, writing nothing, when an entry exists (committed, or committed meanwhile by a
-- concurrent writer of the key, whose commit this waits for).
CREATE OR REPLACE FUNCTION syncline.record_new_write(t text, k text, newr jsonb, opts text[]) RETURNS boolean
LANGUAGE plpgsql AS $f$
DECLARE
    me      text;
    s       bigint;
    wall    bigint;
    counted text[];
BEGIN
    SELECT site_id INTO STRICT me FROM syncline.site;
    s := nextval('syncline.local_seq');
    wall := floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint << 16;
    IF cardinality(opts) > 0 THEN
        SELECT coalesce(array_agg(substr(o, 9)), '{}') INTO counted FROM unnest(opts) AS o WHERE o LIKE 'counter:%';
    ELSE
        counted := '{}';
    END IF;
    INSERT INTO syncline.row_meta (table_name, pk, vv, hlc, origin, seq, deleted, local_write, col_stamps, counters)
    VALUES (t, k, me || ':' || s, wall, me, s, false, true,
            CASE WHEN 'stamps' = ANY(opts) THEN syncline.stamp_columns(NULL, wall, me, NULL, newr) END,
            CASE WHEN cardinality(counted) > 0 THEN syncline.add_counters(NULL, me, NULL, newr, counted) END)
    ON CONFLICT (table_name, pk) DO NOTHING;
    RETURN FOUND;
END
$f$;

-- Row trigger of every synced table, a BEFORE ROW trigger: the meta entry is written just before its
-- row, so the log holds meta, row, meta, row... even for one statement that changes a million rows
-- (an AFTER ROW trigger would run only at the end of the statement, after every row change, and the
-- capture would have to hold all of them until their meta changes arrived). Its name sorts after
-- other BEFORE triggers, so it sees the row as they left it. Its arguments: the primary-key
-- columns, then optionally '|' and options ('stamps', 'counter:<column>'). A Syncline apply sets
-- syncline.applying and writes the meta entry itself.
CREATE OR REPLACE FUNCTION syncline.capture() RETURNS trigger
LANGUAGE plpgsql AS $f$
DECLARE
    t    text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
    args text[] := TG_ARGV[0:TG_NARGS - 1];
    sep  int;
    keys text[];
    opts text[];
    oldr jsonb;
    newr jsonb;
    oldk text;
    newk text;
    gen  text[];
    live boolean;
    found_row boolean;
BEGIN
    IF current_setting('syncline.applying', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    sep := coalesce(array_position(args, '|'), cardinality(args) + 1);
    keys := args[1:sep - 1];
    opts := coalesce(args[sep + 1:cardinality(args)], '{}');
    IF TG_OP <> 'INSERT' THEN
        oldr := to_jsonb(OLD);
        oldk := CASE WHEN cardinality(keys) = 1 THEN oldr ->> keys[1] ELSE syncline.row_key(oldr, keys) END;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        newr := to_jsonb(NEW);
        newk := CASE WHEN cardinality(keys) = 1 THEN newr ->> keys[1] ELSE syncline.row_key(newr, keys) END;
    END IF;
    IF cardinality(opts) > 0 THEN
        -- Stored generated columns are computed after BEFORE triggers: NEW holds NULL for them.
        -- They are no one's write, so they carry no column stamp.
        SELECT array_agg(attname::text) INTO gen FROM pg_attribute
         WHERE attrelid = TG_RELID AND attgenerated <> '' AND NOT attisdropped;
        IF gen IS NOT NULL THEN
            oldr := oldr - gen;
            newr := newr - gen;
        END IF;
    END IF;
    IF TG_OP = 'INSERT' THEN
        -- A BEFORE INSERT trigger also runs for an INSERT that will fail, do nothing (ON CONFLICT DO
        -- NOTHING) or become an UPDATE (ON CONFLICT DO UPDATE, whose BEFORE UPDATE trigger records
        -- it): that is no write, and a meta entry written for it would claim a version no other
        -- site ever receives. A key without any meta entry is new (its first entry is written
        -- here). Otherwise the entry is locked first (a Syncline apply or another local writer of
        -- the key locks it before writing the row, so its row is committed once the lock is
        -- granted), then the table is read: only a key without a row (deleted, or gone with a
        -- TRUNCATE, which fires no row trigger) is recorded.
        IF syncline.record_new_write(t, newk, newr, opts) THEN
            RETURN NEW;
        END IF;
        SELECT NOT m.deleted INTO live FROM syncline.row_meta m WHERE m.table_name = t AND m.pk = newk FOR UPDATE;
        IF live THEN
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I WHERE (%s) = (%s))', TG_TABLE_SCHEMA, TG_TABLE_NAME,
                    (SELECT string_agg(format('%I', k), ', ' ORDER BY o) FROM unnest(keys) WITH ORDINALITY AS u(k, o)),
                    (SELECT string_agg(format('($1).%I', k), ', ' ORDER BY o) FROM unnest(keys) WITH ORDINALITY AS u(k, o)))
               INTO found_row USING NEW;
            IF found_row THEN
                RETURN NEW;
            END IF;
        END IF;
    END IF;
    IF oldk IS NOT NULL AND oldk IS DISTINCT FROM newk THEN
        PERFORM syncline.record_local_write(t, oldk, true, NULL, NULL, opts);
        oldr := NULL;
    END IF;
    IF newk IS NOT NULL THEN
        PERFORM syncline.record_local_write(t, newk, false, oldr, newr, opts);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$f$;

-- The columns each synced table has had at this site, so that the apply can tell a column dropped
-- here (its values in changes of other sites are left out) from one not added here yet (changes that
-- carry it wait until the schema change reaches this site).
CREATE TABLE IF NOT EXISTS syncline.known_columns (
    table_name  text    NOT NULL,
    column_name text    NOT NULL,
    present     boolean NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (table_name, column_name)
);

-- Tombstone garbage-collection rounds that deleted meta entries here (syncline gc; schema version 5):
-- the round id, the tombstones known at every site, the entries deleted here, and the changes-topic
-- offsets every site had applied before the deletion (docs/design.md, "Tombstones").
CREATE TABLE IF NOT EXISTS syncline.gc_rounds (
    round_id        text    PRIMARY KEY,
    collected_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    candidates      integer NOT NULL,
    collected       integer NOT NULL,
    applied_offsets text    NOT NULL
);
