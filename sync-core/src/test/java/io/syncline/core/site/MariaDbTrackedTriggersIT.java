package io.syncline.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.SiteId;
import io.syncline.core.apply.ColumnStamp;
import io.syncline.core.apply.MetaJson;
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
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The capture triggers of a MariaDB site keep per-column clocks ({@code stamps}) and counter
 * contributions ({@code counter:<column>}) in the meta entry in the PostgreSQL trigger's JSON forms,
 * and an installation without options (a source's) keeps the options installed before.
 */
class MariaDbTrackedTriggersIT {

    private static final SiteId SITE = SiteId.of("m");

    private static Path workDir;
    private static MariaDbServer mariaDb;

    @BeforeAll
    static void startServer() throws Exception {
        workDir = Files.createTempDirectory("syncline-it-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        mariaDb = MariaDbServer.start(workDir, "public");
        try (Connection c = mariaDb.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE public.stock (id bigint PRIMARY KEY, qty bigint NOT NULL, name varchar(20)) "
                    + "ENGINE = InnoDB");
            st.execute("CREATE TABLE public.profile (id int PRIMARY KEY, name varchar(20), city varchar(20)) "
                    + "ENGINE = InnoDB");
            MariaDbSiteInstaller installer = new MariaDbSiteInstaller(SITE, "shop");
            List<TableRef> tables = List.of(TableRef.parse("public.stock"), TableRef.parse("public.profile"));
            installer.install(c, tables, Map.of(TableRef.parse("public.stock"), Set.of("counter:qty"),
                    TableRef.parse("public.profile"), Set.of("stamps")));
            // A source's installation asks for nothing: the options stay.
            installer.install(c, tables, Map.of());
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
    void countersAddEachLocalChangeToThisSitesContributionAndANewRowStartsAfresh() throws SQLException {
        try (Connection c = mariaDb.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO public.stock VALUES (1, 10, 'bolt')");
            assertThat(counters(c, "public.stock", "1")).isEqualTo(Map.of("qty", Map.of()));
            st.execute("UPDATE public.stock SET qty = qty + 3 WHERE id = 1");
            st.execute("UPDATE public.stock SET qty = qty - 5, name = 'nut' WHERE id = 1");
            st.execute("UPDATE public.stock SET name = 'screw' WHERE id = 1");
            assertThat(counters(c, "public.stock", "1")).isEqualTo(Map.of("qty", Map.of(SITE, -2L)));
            st.execute("DELETE FROM public.stock WHERE id = 1");
            st.execute("INSERT INTO public.stock VALUES (1, 7, 'bolt')");
            assertThat(counters(c, "public.stock", "1")).isEqualTo(Map.of("qty", Map.of()));
        }
    }

    @Test
    void stampsMarkTheChangedColumnsWithTheWritesClock() throws SQLException {
        try (Connection c = mariaDb.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO public.profile VALUES (1, 'ann', 'oslo')");
            Map<String, ColumnStamp> inserted = stamps(c, "public.profile", "1");
            assertThat(inserted).containsOnlyKeys("id", "name", "city");
            long insertClock = hlc(c, "public.profile", "1");
            assertThat(inserted.get("name")).isEqualTo(new ColumnStamp(insertClock, SITE));

            st.execute("UPDATE public.profile SET city = 'bergen' WHERE id = 1");
            Map<String, ColumnStamp> updated = stamps(c, "public.profile", "1");
            long updateClock = hlc(c, "public.profile", "1");
            assertThat(updateClock).isGreaterThan(insertClock);
            assertThat(updated.get("city")).isEqualTo(new ColumnStamp(updateClock, SITE));
            assertThat(updated.get("name")).isEqualTo(new ColumnStamp(insertClock, SITE));
            // A case-only change is a change.
            st.execute("UPDATE public.profile SET name = 'Ann' WHERE id = 1");
            assertThat(stamps(c, "public.profile", "1").get("name").hlc()).isGreaterThan(updateClock);
        }
    }

    @Test
    void aCounterOnANonIntegerColumnIsRefused() throws SQLException {
        try (Connection c = mariaDb.connect()) {
            assertThatThrownBy(() -> new MariaDbSiteInstaller(SITE, "shop").install(c,
                    List.of(TableRef.parse("public.profile")), Map.of(TableRef.parse("public.profile"),
                            Set.of("counter:name"))))
                    .isInstanceOf(SiteSetupException.class).hasMessageContaining("needs an integer column");
        }
    }

    private static Map<String, Map<SiteId, Long>> counters(Connection c, String table, String key)
            throws SQLException {
        return MetaJson.parseCounters(meta(c, table, key, "counters"));
    }

    private static Map<String, ColumnStamp> stamps(Connection c, String table, String key) throws SQLException {
        return MetaJson.parseStamps(meta(c, table, key, "col_stamps"));
    }

    private static long hlc(Connection c, String table, String key) throws SQLException {
        return Long.parseLong(meta(c, table, key, "hlc"));
    }

    private static String meta(Connection c, String table, String key, String column) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT " + column
                + " FROM syncline.row_meta WHERE table_name = '" + table + "' AND pk = '" + key + "'")) {
            assertThat(rs.next()).as("meta entry of %s %s", table, key).isTrue();
            return rs.getString(1);
        }
    }
}
