-- Syncline site objects for MariaDB (and MySQL-compatible servers). Every statement is safe to run
-- again. Applied by MariaDbSiteInstaller statement by statement (statements are separated by a line
-- holding only "--;"), under the named lock syncline.install. DDL commits implicitly in MariaDB.

CREATE DATABASE IF NOT EXISTS syncline CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
--;
CREATE TABLE IF NOT EXISTS syncline.site (
    singleton      tinyint(1)   NOT NULL DEFAULT 1 PRIMARY KEY CHECK (singleton = 1),
    site_id        varchar(32)  NOT NULL,
    sync_group     varchar(100) NOT NULL,
    schema_version int          NOT NULL,
    installed_at   timestamp(6) NOT NULL DEFAULT current_timestamp(6)
) ENGINE = InnoDB
--;
-- The sequence that numbers this site's own writes: vv[self] and the dot's sequence.
CREATE SEQUENCE IF NOT EXISTS syncline.local_seq START WITH 1 INCREMENT BY 1 NOCACHE
--;
-- One entry per synced row (and per deleted row, as a tombstone). local_write: the current version was
-- written here by an application (the triggers), not by a Syncline apply: the capture ships only those.
CREATE TABLE IF NOT EXISTS syncline.row_meta (
    table_name  varchar(255) NOT NULL,
    pk          varchar(512) NOT NULL,
    vv          text         NOT NULL,
    hlc         bigint       NOT NULL,
    origin      varchar(32)  NOT NULL,
    seq         bigint       NOT NULL,
    deleted     tinyint(1)   NOT NULL,
    local_write tinyint(1)   NOT NULL DEFAULT 0,
    col_stamps  longtext,
    counters    longtext,
    PRIMARY KEY (table_name, pk)
) ENGINE = InnoDB
--;
CREATE TABLE IF NOT EXISTS syncline.conflicts (
    id               bigint       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    detected_at      timestamp(6) NOT NULL DEFAULT current_timestamp(6),
    table_name       varchar(255) NOT NULL,
    pk               varchar(512) NOT NULL,
    conflict_type    varchar(64)  NOT NULL,
    rule             varchar(64)  NOT NULL,
    winner           varchar(16)  NOT NULL,
    resolved_at_site varchar(32)  NOT NULL,
    local_origin     varchar(32)  NOT NULL,
    local_seq        bigint       NOT NULL,
    local_hlc        bigint       NOT NULL,
    local_vv         text         NOT NULL,
    local_deleted    tinyint(1)   NOT NULL,
    local_row        longtext,
    incoming_origin  varchar(32)  NOT NULL,
    incoming_seq     bigint       NOT NULL,
    incoming_hlc     bigint       NOT NULL,
    incoming_vv      text         NOT NULL,
    incoming_deleted tinyint(1)   NOT NULL,
    incoming_row     longtext,
    result_vv        text         NOT NULL,
    result_deleted   tinyint(1)   NOT NULL,
    result_row       longtext,
    status           varchar(16)  NOT NULL DEFAULT 'resolved',
    settled_at       timestamp(6) NULL,
    settled_by       varchar(255)
) ENGINE = InnoDB
--;
CREATE TABLE IF NOT EXISTS syncline.offsets (
    consumer        varchar(255) NOT NULL,
    topic           varchar(249) NOT NULL,
    kafka_partition int          NOT NULL,
    next_offset     bigint,
    epoch           bigint       NOT NULL DEFAULT 0,
    updated_at      timestamp(6) NOT NULL DEFAULT current_timestamp(6),
    PRIMARY KEY (consumer, topic, kafka_partition)
) ENGINE = InnoDB
--;
CREATE TABLE IF NOT EXISTS syncline.apply_ledger (
    dot_origin varchar(32)  NOT NULL,
    dot_seq    bigint       NOT NULL,
    table_name varchar(255) NOT NULL,
    pk         varchar(512) NOT NULL,
    applied_at timestamp(6) NOT NULL DEFAULT current_timestamp(6),
    vv         text
) ENGINE = InnoDB
--;
DROP FUNCTION IF EXISTS syncline.vv_set
--;
-- vv with one entry set: entries sorted by site id in byte order, "a:3,b:5".
CREATE FUNCTION syncline.vv_set(vv text, site varchar(32), n bigint) RETURNS text
    CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DETERMINISTIC NO SQL
BEGIN
    DECLARE result text CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT '';
    DECLARE remaining text CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT IFNULL(vv, '');
    DECLARE entry text CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
    DECLARE entry_site varchar(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
    DECLARE mine text CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT CONCAT(site, ':', n);
    DECLARE placed boolean DEFAULT FALSE;
    WHILE remaining <> '' DO
        SET entry = SUBSTRING_INDEX(remaining, ',', 1);
        SET remaining = IF(LOCATE(',', remaining) > 0, SUBSTRING(remaining, LOCATE(',', remaining) + 1), '');
        SET entry_site = SUBSTRING_INDEX(entry, ':', 1);
        IF NOT placed AND BINARY entry_site > BINARY site THEN
            SET result = IF(result = '', mine, CONCAT(result, ',', mine));
            SET placed = TRUE;
        END IF;
        IF BINARY entry_site <> BINARY site THEN
            SET result = IF(result = '', entry, CONCAT(result, ',', entry));
        END IF;
    END WHILE;
    IF NOT placed THEN
        SET result = IF(result = '', mine, CONCAT(result, ',', mine));
    END IF;
    RETURN result;
END
--;
DROP PROCEDURE IF EXISTS syncline.record_local_write
--;
-- A local write: next dot, vv[self] := dot, hlc := max(now, previous + 1), origin := self, in one meta
-- statement, so the capture sees exactly one meta change per row change.
CREATE PROCEDURE syncline.record_local_write(t varchar(255), k varchar(512), del boolean)
    MODIFIES SQL DATA
BEGIN
    DECLARE me varchar(32);
    DECLARE s bigint;
    DECLARE wall bigint;
    SELECT site_id INTO me FROM syncline.site;
    SET s = NEXTVAL(syncline.local_seq);
    SET wall = FLOOR(UNIX_TIMESTAMP(SYSDATE(3)) * 1000) << 16;
    INSERT INTO syncline.row_meta (table_name, pk, vv, hlc, origin, seq, deleted, local_write)
    VALUES (t, k, CONCAT(me, ':', s), wall, me, s, del, 1)
    ON DUPLICATE KEY UPDATE vv = syncline.vv_set(vv, me, s), hlc = GREATEST(wall, hlc + 1), origin = me,
        seq = s, deleted = del, local_write = 1;
END
--;
-- What the capture triggers of a table keep besides the row version (schema version 2): per-column
-- clocks ('stamps') and counter contributions ('counter:<column>'), as a sorted comma-separated list.
-- Options once installed are kept, whoever installs again (a source with no resolver settings).
CREATE TABLE IF NOT EXISTS syncline.tracked_tables (
    table_name varchar(255) NOT NULL PRIMARY KEY,
    options    text         NOT NULL
) ENGINE = InnoDB
--;
DROP FUNCTION IF EXISTS syncline.stamp_columns
--;
-- The columns a write changed (a JSON array of names), stamped [hlc, site]; a fresh row (an insert,
-- or the new key of a primary-key change) starts afresh. NULL columns: the table keeps no stamps.
CREATE FUNCTION syncline.stamp_columns(prev longtext, h bigint, site varchar(32), fresh boolean, cols longtext)
    RETURNS longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DETERMINISTIC NO SQL
BEGIN
    DECLARE result longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT IF(fresh OR prev IS NULL, '{}', prev);
    DECLARE i int DEFAULT 0;
    IF cols IS NULL THEN
        RETURN prev;
    END IF;
    WHILE i < JSON_LENGTH(cols) DO
        SET result = JSON_SET(result, CONCAT('$.', JSON_EXTRACT(cols, CONCAT('$[', i, ']'))), JSON_ARRAY(h, site));
        SET i = i + 1;
    END WHILE;
    RETURN result;
END
--;
DROP FUNCTION IF EXISTS syncline.add_counters
--;
-- Each counter column's change (a JSON object column -> integer delta) added to this site's
-- contribution; a fresh row starts every counter afresh. NULL deltas: the table keeps no counters.
CREATE FUNCTION syncline.add_counters(prev longtext, site varchar(32), fresh boolean, deltas longtext)
    RETURNS longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DETERMINISTIC NO SQL
BEGIN
    DECLARE result longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT IFNULL(prev, '{}');
    DECLARE counted_columns longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
    DECLARE c longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
    DECLARE p longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
    DECLARE i int DEFAULT 0;
    IF deltas IS NULL THEN
        RETURN prev;
    END IF;
    SET counted_columns = JSON_KEYS(deltas);
    WHILE i < JSON_LENGTH(counted_columns) DO
        SET c = CONCAT('$.', JSON_EXTRACT(counted_columns, CONCAT('$[', i, ']')));
        IF fresh OR JSON_EXTRACT(result, c) IS NULL THEN
            SET result = JSON_SET(result, c, JSON_OBJECT());
        END IF;
        IF NOT fresh THEN
            SET p = CONCAT(c, '.', JSON_QUOTE(site));
            SET result = JSON_SET(result, p, CAST(IFNULL(JSON_VALUE(result, p), 0) AS SIGNED)
                    + CAST(JSON_VALUE(deltas, c) AS SIGNED));
        END IF;
        SET i = i + 1;
    END WHILE;
    RETURN result;
END
--;
DROP PROCEDURE IF EXISTS syncline.record_tracked_write
--;
-- A local write of a live row of a tracked table: record_local_write's meta change, and the column
-- stamps (stamped: the changed columns) and counter contributions (counted: the counter deltas) in
-- the same statement. col_stamps is assigned before hlc, so it reads the previous hlc whether the
-- server evaluates the assignments in order or all against the old row.
CREATE PROCEDURE syncline.record_tracked_write(t varchar(255), k varchar(512), fresh boolean, stamped longtext,
        counted longtext)
    MODIFIES SQL DATA
BEGIN
    DECLARE me varchar(32);
    DECLARE s bigint;
    DECLARE wall bigint;
    SELECT site_id INTO me FROM syncline.site;
    SET s = NEXTVAL(syncline.local_seq);
    SET wall = FLOOR(UNIX_TIMESTAMP(SYSDATE(3)) * 1000) << 16;
    INSERT INTO syncline.row_meta (table_name, pk, vv, hlc, origin, seq, deleted, local_write, col_stamps, counters)
    VALUES (t, k, CONCAT(me, ':', s), wall, me, s, 0, 1, syncline.stamp_columns(NULL, wall, me, fresh, stamped),
            syncline.add_counters(NULL, me, fresh, counted))
    ON DUPLICATE KEY UPDATE col_stamps = syncline.stamp_columns(col_stamps, GREATEST(wall, hlc + 1), me, fresh,
            stamped),
        counters = syncline.add_counters(counters, me, fresh, counted),
        vv = syncline.vv_set(vv, me, s), hlc = GREATEST(wall, hlc + 1), origin = me, seq = s, deleted = 0,
        local_write = 1;
END
