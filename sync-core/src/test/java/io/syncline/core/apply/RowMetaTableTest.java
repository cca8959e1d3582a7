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
    void theTablesAreNamedAsTheCaptureAndThePublicationExpect() {
        assertThat(RowMetaTable.NAME).isEqualTo("syncline.row_meta");
        assertThat(ConflictsTable.NAME).isEqualTo("syncline.conflicts");
    }
}
