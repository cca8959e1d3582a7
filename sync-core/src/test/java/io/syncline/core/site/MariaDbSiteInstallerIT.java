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
 * The capture triggers and the conflict-log retention at a real MariaDB site.
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

    /**
     * Known limit (README): an UPDATE that leaves the row as it was records a version although MariaDB
     * writes no row event for it, so that version never ships. Guarding it would mean naming every
     * column in the trigger, and then dropping a column would break the application's UPDATEs
     * (StaleTableShapeMariaDbIT). This test pins today's behaviour, so a fix shows here.
     */
    @Test
    void anUpdateThatChangesNothingStillRecordsAVersion() throws SQLException {
        try (Connection c = mariaDb.connect(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE public.accounts SET balance = 11.00 WHERE id = 1");
            long written = seq(st);
            st.executeUpdate("UPDATE public.accounts SET balance = 11.00 WHERE id = 1");
            assertThat(seq(st)).as("the same values again still record a version").isGreaterThan(written);
            st.execute("ALTER TABLE public.accounts DROP COLUMN note");
            st.executeUpdate("UPDATE public.accounts SET balance = 12.00 WHERE id = 1");
            assertThat(seq(st)).as("a dropped column leaves the trigger working").isGreaterThan(written + 1);
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
