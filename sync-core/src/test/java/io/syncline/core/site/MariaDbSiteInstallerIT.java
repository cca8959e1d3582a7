package io.syncline.core.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.SiteId;
import io.syncline.core.apply.Engine;
import io.syncline.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The capture triggers at a real MariaDB site. An UPDATE that leaves a row as it was writes no row
 * event to the binary log, so its trigger must record no new version: a version that never ships
 * would win every later conflict at this site alone (found by RelationalMeshIT, where
 * {@code SET status = 'paid'} of a paid order left the MariaDB site different for good).
 */
class MariaDbSiteInstallerIT {

    private static Path workDir;
    private static MariaDbServer mariaDb;

    @BeforeAll
    static void startServer() throws Exception {
        workDir = Files.createTempDirectory("syncline-it-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        mariaDb = MariaDbServer.start(workDir, "public");
        try (Connection c = mariaDb.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE public.accounts (id bigint PRIMARY KEY, name varchar(20) NOT NULL, "
                    + "balance decimal(12,2), note varchar(20)) ENGINE = InnoDB");
            st.execute("INSERT INTO public.accounts VALUES (1, 'ann', 10.00, NULL)");
        }
        try (Connection c = mariaDb.connect()) {
            Engine.MARIADB.installer(SiteId.of("a"), "shop").install(c, List.of(TableRef.parse("public.accounts")),
                    Map.of());
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (mariaDb != null) {
            mariaDb.close();
        }
        if (workDir != null) {
            Files.deleteIfExists(workDir);
        }
    }

    @Test
    void anUpdateThatChangesNothingRecordsNoVersionAndAnyChangedByteDoes() throws SQLException {
        try (Connection c = mariaDb.connect(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE public.accounts SET balance = 11.00 WHERE id = 1");
            long written = seq(st);
            assertThat(written).as("a real change records a version").isPositive();

            st.executeUpdate("UPDATE public.accounts SET balance = 11.00, name = 'ann', note = NULL WHERE id = 1");
            assertThat(seq(st)).as("the same values again: no row event, no version").isEqualTo(written);

            // The default collation compares case-insensitively, but the row's bytes change, and so
            // does the binary log: a version is recorded.
            st.executeUpdate("UPDATE public.accounts SET name = 'ANN' WHERE id = 1");
            long cased = seq(st);
            assertThat(cased).isGreaterThan(written);

            st.executeUpdate("UPDATE public.accounts SET note = 'x' WHERE id = 1");
            assertThat(seq(st)).as("NULL to a value is a change").isGreaterThan(cased);
        }
    }

    @Test
    void theConflictLogRetentionDeletesResolvedEntriesByAgeAndCount() throws SQLException {
        try (Connection c = mariaDb.connect()) {
            ConflictRetentionCheck.resolvedEntriesGoByAgeAndCountParkedOnesStay(c, Engine.MARIADB,
                    "NOW(6) - INTERVAL %d DAY");
        }
    }

    private static long seq(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT seq FROM syncline.row_meta WHERE table_name = 'public.accounts' "
                + "AND pk = '1'")) {
            assertThat(rs.next()).as("a meta entry for the row").isTrue();
            return rs.getLong(1);
        }
    }
}
