package io.syncline.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.SiteId;
import io.syncline.core.site.PostgresSiteInstaller;
import io.syncline.core.site.TableRef;
import io.syncline.testkit.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code syncline repair} on three real PostgreSQL sites that drifted apart: the dry run lists what
 * it would change and changes nothing; {@code --apply} copies each differing row's winning version
 * and the sites verify equal.
 */
class RepairIT {

    private static final String TABLE = "public.drift";
    private static final Map<String, PostgresServer> SITES = new LinkedHashMap<>();
    private static Path work;
    private static Path mesh;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("syncline-it-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        StringBuilder json = new StringBuilder("{\"sites\":{");
        for (String site : List.of("a", "b", "c")) {
            PostgresServer server = PostgresServer.start(work.resolve(site), "site_" + site);
            SITES.put(site, server);
            try (Connection c = server.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, v text, n numeric(10,2))");
                new PostgresSiteInstaller(SiteId.of(site), "drift").install(c, List.of(TableRef.parse(TABLE)));
            }
            if (json.charAt(json.length() - 1) != '{') {
                json.append(',');
            }
            json.append('"').append(site).append("\":{\"jdbcUrl\":\"").append(server.jdbcUrl()).append("\",\"user\":\"")
                    .append(server.user()).append("\",\"password\":\"").append(server.password()).append("\"}");
        }
        json.append("},\"tables\":[\"").append(TABLE).append("\"]}");
        mesh = work.resolve("mesh.json");
        Files.writeString(mesh, json.toString());
    }

    @AfterAll
    static void stop() {
        SITES.values().forEach(PostgresServer::close);
    }

    @Test
    void dryRunListsTheRepairsAndApplyMakesTheSitesEqual() throws Exception {
        execute("a", "INSERT INTO " + TABLE + " VALUES (1, 'one', 1.50), (2, 'two', 2), (3, 'three', 3)");
        execute("c", "INSERT INTO " + TABLE + " VALUES (1, 'one', 1.50), (3, 'three', 3)");
        execute("c", "INSERT INTO " + TABLE + " VALUES (2, 'two, later at c', 22), (4, 'only at c', 4)");

        String[] dry = run("repair", "--mesh", mesh.toString());
        assertThat(dry[0]).as(dry[1]).isEqualTo("1");
        assertThat(dry[1]).contains("would repair: " + TABLE + " key 2").contains("key 4").contains("key 1")
                .contains("run again with --apply");
        assertThat(count("b")).as("the dry run changed nothing").isZero();

        String[] applied = run("repair", "--mesh", mesh.toString(), "--apply");
        assertThat(applied[0]).as(applied[1]).isEqualTo("0");
        assertThat(applied[1]).contains("repaired: ");
        String[] verify = run("verify", "--mesh", mesh.toString());
        assertThat(verify[0]).as(verify[1]).isEqualTo("0");
        assertThat(value("a", 2)).as("the newer concurrent version wins").isEqualTo("two, later at c");
        assertThat(value("b", 4)).isEqualTo("only at c");

        String[] again = run("repair", "--mesh", mesh.toString(), "--apply");
        assertThat(again[0]).isEqualTo("0");
        assertThat(again[1]).contains("nothing to repair");
    }

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SynclineCli.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8)};
    }

    private static void execute(String site, String sql) throws Exception {
        try (Connection c = SITES.get(site).connect(); Statement st = c.createStatement()) {
            st.executeUpdate(sql);
        }
    }

    private static long count(String site) throws Exception {
        try (Connection c = SITES.get(site).connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String value(String site, long id) throws Exception {
        try (Connection c = SITES.get(site).connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT v FROM " + TABLE + " WHERE id = " + id)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
