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

-- Optional audit of every applied dot (apply.ledger.enabled): one row per change written here.
CREATE TABLE IF NOT EXISTS syncline.apply_ledger (
    dot_origin text   NOT NULL,
    dot_seq    bigint NOT NULL,
    table_name text   NOT NULL,
    pk         text   NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- vv with one entry set: entries sorted by site id in byte order, "a:3,b:5".
CREATE OR REPLACE FUNCTION syncline.vv_set(vv text, site text, n bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
    SELECT string_agg(e, ',' ORDER BY split_part(e, ':', 1) COLLATE "C")
      FROM (SELECT x AS e
              FROM unnest(string_to_array(nullif(vv, ''), ',')) AS x
             WHERE split_part(x, ':', 1) <> site
            UNION ALL
            SELECT site || ':' || n) AS entries
$f$;

-- The canonical key text of a row: one key column -> its text; several -> each with '\' and ','
-- escaped, joined by ','. The source computes the same text from the captured key.
-- (A trigger's TG_ARGV counts from 0, hence array_lower.)
CREATE OR REPLACE FUNCTION syncline.row_key(r jsonb, cols text[]) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
    SELECT CASE WHEN cardinality(cols) = 1 THEN r ->> cols[array_lower(cols, 1)]
                ELSE (SELECT string_agg(replace(replace(r ->> c, '\', '\\'), ',', '\,'), ',' ORDER BY o)
                        FROM unnest(cols) WITH ORDINALITY AS k(c, o))
           END
$f$;

-- A local write: next dot, vv[self] := dot, hlc := max(now, previous + 1), origin := self.
CREATE OR REPLACE FUNCTION syncline.record_local_write(t text, k text, del boolean) RETURNS void
LANGUAGE plpgsql AS $f$
DECLARE
    me   text;
    s    bigint;
    wall bigint;
BEGIN
    SELECT site_id INTO STRICT me FROM syncline.site;
    s := nextval('syncline.local_seq');
    wall := floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint << 16;
    INSERT INTO syncline.row_meta AS m (table_name, pk, vv, hlc, origin, seq, deleted)
    VALUES (t, k, me || ':' || s, wall, me, s, del)
    ON CONFLICT (table_name, pk) DO UPDATE
       SET vv = syncline.vv_set(m.vv, me, s),
           hlc = greatest(wall, m.hlc + 1),
           origin = me,
           seq = s,
           deleted = del;
END
$f$;

-- Row trigger of every synced table; its arguments are the primary-key columns.
-- A Syncline apply sets syncline.applying and writes the meta entry itself.
CREATE OR REPLACE FUNCTION syncline.capture() RETURNS trigger
LANGUAGE plpgsql AS $f$
DECLARE
    t    text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
    oldk text;
    newk text;
BEGIN
    IF current_setting('syncline.applying', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        oldk := syncline.row_key(to_jsonb(OLD), TG_ARGV);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        newk := syncline.row_key(to_jsonb(NEW), TG_ARGV);
    END IF;
    IF oldk IS NOT NULL AND oldk IS DISTINCT FROM newk THEN
        PERFORM syncline.record_local_write(t, oldk, true);
    END IF;
    IF newk IS NOT NULL THEN
        PERFORM syncline.record_local_write(t, newk, false);
    END IF;
    RETURN NULL;
END
$f$;
