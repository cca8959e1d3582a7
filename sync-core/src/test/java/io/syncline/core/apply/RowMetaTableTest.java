package io.syncline.core.apply;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The statements built per batch size (MariaDB has no arrays); the fixed ones run in the applier ITs. */
class RowMetaTableTest {

    @Test
    void mariaDbLocksEveryRowOfAChunkInOneStatementWithTwoParametersEach() {
        assertThat(RowMetaTable.mariaDbLockPlaceholders(2)).isEqualTo("INSERT INTO syncline.row_meta "
                + "(table_name, pk, vv, hlc, origin, seq, deleted) VALUES (?, ?, '', 0, '', 0, 1), "
                + "(?, ?, '', 0, '', 0, 1) ON DUPLICATE KEY UPDATE pk = pk");
        assertThat(RowMetaTable.mariaDbLock(2)).isEqualTo("SELECT table_name, pk, vv, hlc, origin, seq, deleted, "
                + "col_stamps, counters FROM syncline.row_meta WHERE (table_name, pk) IN ((?, ?), (?, ?)) "
                + "ORDER BY table_name, pk FOR UPDATE");
    }

    @Test
    void thePostgresApplyStatementsAreTheOnesTheDialectAlwaysRan() {
        assertThat(words(RowMetaTable.POSTGRES_LOCK)).isEqualTo(words("""
                SELECT table_name, pk, vv, hlc, origin, seq, deleted, col_stamps::text, counters::text
                  FROM syncline.row_meta
                 WHERE (table_name, pk) IN (SELECT t, k FROM unnest(?::text[], ?::text[]) AS u(t, k))
                 ORDER BY table_name, pk FOR UPDATE"""));
        assertThat(words(RowMetaTable.POSTGRES_WRITE)).isEqualTo(words("""
                INSERT INTO syncline.row_meta (table_name, pk, vv, hlc, origin, seq, deleted, local_write, col_stamps,
                    counters)
                VALUES (?, ?, ?, ?, ?, ?, ?, false, CAST(? AS jsonb), CAST(? AS jsonb))
                ON CONFLICT (table_name, pk) DO UPDATE
                   SET vv = EXCLUDED.vv, hlc = EXCLUDED.hlc, origin = EXCLUDED.origin,
                       seq = EXCLUDED.seq, deleted = EXCLUDED.deleted, local_write = false,
                       col_stamps = EXCLUDED.col_stamps, counters = EXCLUDED.counters"""));
    }

    @Test
    void theTablesAreNamedAsTheCaptureAndThePublicationExpect() {
        assertThat(RowMetaTable.NAME).isEqualTo("syncline.row_meta");
        assertThat(ConflictsTable.NAME).isEqualTo("syncline.conflicts");
    }

    private static String words(String sql) {
        return sql.strip().replaceAll("\\s+", " ");
    }
}
