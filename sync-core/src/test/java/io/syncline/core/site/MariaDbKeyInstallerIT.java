package io.syncline.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.apply.Engine;
import io.syncline.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The key installer on a real MariaDB server, started (as the embedded stack does) with
 * {@code --auto-increment-increment=16 --auto-increment-offset=5}.
 */
class MariaDbKeyInstallerIT {

    private static final KeyInstaller INSTALLER = Engine.MARIADB.keyInstaller();
    private static final SecureRandom RANDOM = new SecureRandom();

    private static Path workDir;
    private static MariaDbServer mariaDb;

    @BeforeAll
    static void startServer() throws Exception {
        workDir = Files.createTempDirectory("syncline-it-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        mariaDb = MariaDbServer.start(workDir, "public", 7,
                List.of("--auto-increment-increment=16", "--auto-increment-offset=5"));
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
    void coordinatorBlocksAreRefusedSayingToUseInterleaved() throws Exception {
        String table = uniqueName("blocks");
        try (Connection c = mariaDb.connect()) {
            execute(c, "CREATE TABLE public." + table + " (id bigint AUTO_INCREMENT PRIMARY KEY)");
            assertThatThrownBy(() -> INSTALLER.install(c, List.of(TableRef.parse("public." + table)),
                    KeyPlan.coordinatorBlocks(100, 20), (sequence, floor, size, requestId) -> {
                        throw new AssertionError("no block may be asked for at a MariaDB site");
                    })).isInstanceOf(SiteSetupException.class)
                    .hasMessageContaining("AUTO_INCREMENT cannot be bounded").hasMessageContaining("interleaved");
        }
    }

    @Test
    void setsTheServersPatternToTheSlotAndLeavesItOnTheSecondRun() throws Exception {
        String table = uniqueName("orders");
        TableRef ref = TableRef.parse("public." + table);
        try (Connection c = mariaDb.connect()) {
            execute(c, "CREATE TABLE public." + table + " (id bigint AUTO_INCREMENT PRIMARY KEY, item varchar(20))",
                    "INSERT INTO public." + table + " (id, item) VALUES (1, 'a'), (2, 'b'), (700, 'imported')");
            assertThat(INSTALLER.describe(c, List.of(ref), KeyPlan.interleaved(16, 5))).singleElement()
                    .satisfies(key -> {
                        assertThat(key.increment()).as("the server options reach the server").isEqualTo(16);
                        assertThat(key.next()).isEqualTo(709);
                    });

            List<KeySequence> first = INSTALLER.install(c, List.of(ref), KeyPlan.interleaved(16, 3));

            assertThat(first).singleElement().satisfies(key -> {
                assertThat(key.column()).isEqualTo("id");
                assertThat(key.sequence()).isEqualTo("AUTO_INCREMENT");
                assertThat(key.kind()).isEqualTo("interleaved");
                assertThat(key.action()).isEqualTo(KeySequence.Action.CONVERTED);
                assertThat(key.next()).isEqualTo(707);
            });
        }
        try (Connection c = mariaDb.connect()) {
            assertThat(insertDefaults(c, table, 2)).as("a session opened after the change")
                    .containsExactly(707L, 723L);
            assertThat(INSTALLER.install(c, List.of(ref), KeyPlan.interleaved(16, 3))).singleElement()
                    .satisfies(key -> {
                        assertThat(key.action()).isEqualTo(KeySequence.Action.UNCHANGED);
                        assertThat(key.next()).isEqualTo(739);
                    });
            assertThat(insertDefaults(c, table, 1)).containsExactly(739L);
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM public." + table + " WHERE id IN (1, 2, 700)")) {
                rs.next();
                assertThat(rs.getInt(1)).as("existing rows keep their keys").isEqualTo(3);
            }
        }
    }

    @Test
    void withoutAnOffsetTheInstallerRefusesAndNoneLeavesTheServerAlone() throws Exception {
        String table = uniqueName("users");
        TableRef ref = TableRef.parse("public." + table);
        try (Connection c = mariaDb.connect()) {
            execute(c, "CREATE TABLE public." + table + " (id int AUTO_INCREMENT PRIMARY KEY)");

            assertThatThrownBy(() -> INSTALLER.install(c, List.of(ref), new KeyPlan(KeyKind.INTERLEAVED, 16, 0)))
                    .isInstanceOf(SiteSetupException.class).hasMessageContaining("keys.site.offset")
                    .hasMessageContaining("public." + table + ".id");
            assertThat(INSTALLER.install(c, List.of(ref), KeyPlan.none())).singleElement()
                    .satisfies(key -> assertThat(key.action()).isEqualTo(KeySequence.Action.LEFT_ALONE));
            assertThat(INSTALLER.install(c, List.of(TableRef.parse("public.no_such_table")), KeyPlan.interleaved(16, 3)))
                    .isEmpty();
        }
    }

    private static String uniqueName(String prefix) {
        return prefix + "_" + Long.toHexString(RANDOM.nextLong() & 0xff_ffff_ffffL);
    }

    private static void execute(Connection c, String... statements) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private static List<Long> insertDefaults(Connection c, String table, int rows) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            for (int i = 0; i < rows; i++) {
                st.execute("INSERT INTO public." + table + " () VALUES ()");
                try (ResultSet rs = st.executeQuery("SELECT LAST_INSERT_ID()")) {
                    rs.next();
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }
}
