package io.syncline.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncline.core.site.TableRef;
import io.syncline.testkit.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code syncline verify} against three real PostgreSQL servers: identical tables (a 25,000-row table
 * of several chunks, a composite key with awkward text, a name that needs quoting) are {@code equal};
 * one changed, one deleted and one extra row are named by their keys and nothing else; an unreachable
 * site fails with exit code 3.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerifyIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SITES = List.of("a", "b", "c");
    private static final String BIG = "public.big";
    private static final String PAIRS = "public.pairs";
    /** Schema {@code Odd Schema}, table {@code Order Lines "v2"}. */
    private static final String ODD = "Odd Schema.Order Lines \"v2\"";
    private static final String EMOJI_TAG = "😀 \"emoji\", too";
    private static final List<String> AWKWARD_TAGS = List.of("plain", "a,b", "say \"hi\"", "it's", EMOJI_TAG, "",
            "back\\slash", "(paren)", "new\nline", "{brace}", "NULL");

    private static Path workDir;
    private static final Map<String, PostgresServer> servers = new LinkedHashMap<>();
    private static Path mesh;

    @BeforeAll
    static void startThreeSitesWithTheSameRows() throws Exception {
        workDir = Files.createTempDirectory("syncline-it-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Map<String, CompletableFuture<PostgresServer>> starting = new LinkedHashMap<>();
        for (String site : SITES) {
            starting.put(site, CompletableFuture.supplyAsync(() -> PostgresServer.start(workDir, "site_" + site)));
        }
        for (Map.Entry<String, CompletableFuture<PostgresServer>> entry : starting.entrySet()) {
            servers.put(entry.getKey(), entry.getValue().join());
        }
        for (PostgresServer server : servers.values()) {
            try (Connection c = server.connect()) {
                createTables(c);
            }
        }
        // Another server-side bytea output at one site: verify fixes the output format per session.
        try (Connection c = servers.get("c").connect(); Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE site_c SET bytea_output = 'escape'");
        }
        mesh = workDir.resolve("mesh.json");
        Files.writeString(mesh, meshJson(Map.of()));
    }

    @AfterAll
    static void stopSites() {
        for (PostgresServer server : servers.values()) {
            server.close();
        }
        if (workDir != null) {
            try (Stream<Path> files = Files.walk(workDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                System.err.println("could not delete " + workDir + ": " + e);
            }
        }
    }

    private static void createTables(Connection c) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE public.big (id bigint PRIMARY KEY, name text NOT NULL, qty int, price numeric(12,2), "
                    + "at timestamptz, note text)");
            st.execute("INSERT INTO public.big SELECT g, 'item ' || g, g % 97, g * 1.25, "
                    + "timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute', "
                    + "CASE WHEN g % 10 = 0 THEN NULL ELSE md5(g::text) END FROM generate_series(1, 25000) g");
            st.execute("CREATE TABLE public.pairs (n int, tag text, body jsonb, raw bytea, PRIMARY KEY (n, tag))");
            st.execute("CREATE SCHEMA \"Odd Schema\"");
            st.execute("CREATE TABLE \"Odd Schema\".\"Order Lines \"\"v2\"\"\" (\"Line No\" int PRIMARY KEY, "
                    + "\"select\" text)");
            st.execute("INSERT INTO \"Odd Schema\".\"Order Lines \"\"v2\"\"\" SELECT g, 'line ' || g "
                    + "FROM generate_series(1, 30) g");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO public.pairs VALUES (?, ?, ?::jsonb, ?)")) {
            for (int n = 1; n <= 3; n++) {
                for (String tag : AWKWARD_TAGS) {
                    ps.setInt(1, n);
                    ps.setString(2, tag);
                    ps.setString(3, JSON.writeValueAsString(Map.of("tag", tag, "n", n)));
                    ps.setBytes(4, (n + tag).getBytes(StandardCharsets.UTF_8));
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    /** The JSON line of {@code syncline up} for the three sites; {@code ports} replaces a site's port. */
    private static String meshJson(Map<String, Integer> ports) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode sites = root.putObject("sites");
        for (Map.Entry<String, PostgresServer> entry : servers.entrySet()) {
            PostgresServer s = entry.getValue();
            int port = ports.getOrDefault(entry.getKey(), s.port());
            ObjectNode node = sites.putObject(entry.getKey());
            node.put("engine", "postgres");
            node.put("host", s.host());
            node.put("port", port);
            node.put("database", s.database());
            node.put("user", s.user());
            node.put("password", s.password());
            node.put("jdbcUrl", "jdbc:postgresql://" + s.host() + ":" + port + "/" + s.database());
        }
        root.putArray("tables").add(BIG).add(PAIRS).add(ODD);
        return JSON.writeValueAsString(root);
    }

    /** One in-process run of the command. */
    private record Run(int exit, List<String> out, String err, double seconds) {
        String last() {
            return out.get(out.size() - 1);
        }

        List<String> keyLines() {
            return out.stream().filter(l -> l.startsWith("    key ")).map(String::strip).toList();
        }
    }

    private static Run verify(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> command = new ArrayList<>(List.of("verify"));
        command.addAll(List.of(args));
        long started = System.nanoTime();
        int exit = SynclineCli.run(command, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        double seconds = (System.nanoTime() - started) / 1e9;
        String stdout = out.toString(StandardCharsets.UTF_8);
        System.out.print(stdout);
        System.out.print(err.toString(StandardCharsets.UTF_8));
        return new Run(exit, stdout.lines().toList(), err.toString(StandardCharsets.UTF_8), seconds);
    }

    @Test
    @Order(1)
    void identicalSitesAreEqual() {
        Run run = verify("--mesh", mesh.toString(), "--chunk-size", "10000");
        assertThat(run.exit()).as("exit code; stderr: %s", run.err()).isZero();
        assertThat(run.last()).startsWith("equal: 3 tables identical at sites a, b, c");
        for (String site : SITES) {
            int header = run.out().indexOf(run.out().stream().filter(l -> l.startsWith("site " + site + " ")).findFirst()
                    .orElseThrow());
            assertThat(run.out().get(header + 2)).matches("  public\\.big +25000 +3  [0-9a-f]{12}");
            assertThat(run.out().get(header + 3)).matches("  public\\.pairs +33 +1  [0-9a-f]{12}");
            assertThat(run.out().get(header + 4)).matches("  Odd Schema\\.Order Lines \"v2\" +30 +1  [0-9a-f]{12}");
        }
        // The same digest of each table at every site.
        List<String> bigLines = run.out().stream().filter(l -> l.startsWith("  public.big ")).distinct().toList();
        assertThat(bigLines).hasSize(1);
    }

    @Test
    @Order(2)
    void smallChunksOverCompositeAwkwardKeysAreEqualToo() {
        Run run = verify("--mesh", mesh.toString(), "--tables", PAIRS, "--chunk-size", "4");
        assertThat(run.exit()).as("exit code; stderr: %s", run.err()).isZero();
        assertThat(run.out()).anyMatch(l -> l.matches("  public\\.pairs +33 +9  [0-9a-f]{12}"));
        assertThat(run.last()).startsWith("equal: 1 table identical at sites a, b, c");
    }

    @Test
    @Order(3)
    void timingOfTwentyFiveThousandRowsAtThreeSites() {
        Run run = verify("--mesh", mesh.toString(), "--tables", BIG);
        assertThat(run.exit()).isZero();
        System.out.printf("verify of 25000 rows x 3 sites (chunk size 10000): %.2f s%n", run.seconds());
    }

    @Test
    @Order(4)
    void anUnreachableSiteFailsWithThree() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path wrong = workDir.resolve("wrong-port.json");
        Files.writeString(wrong, meshJson(Map.of("c", closedPort)));
        Run run = verify("--mesh", wrong.toString());
        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.err()).contains("site c is unreachable at jdbc:postgresql://127.0.0.1:" + closedPort + "/site_c")
                .doesNotContain(servers.get("c").password());
    }

    @Test
    @Order(4)
    void aTableNoSiteHasIsAWrongCommandLine() {
        Run run = verify("--mesh", mesh.toString(), "--tables", "public.nope");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("table public.nope exists at no site (a, b, c)");
    }

    @Test
    @Order(4)
    void theEngineGivesTheConnectionsBackAsTheyCame() throws Exception {
        Map<String, Connection> sites = new LinkedHashMap<>();
        Map<String, String> zones = new LinkedHashMap<>();
        try {
            for (String site : SITES) {
                sites.put(site, servers.get(site).connect());
                zones.put(site, timeZone(sites.get(site)));
            }
            TableVerdict verdict = MeshVerification.withDefaults().verify(sites, TableRef.parse(PAIRS));
            assertThat(verdict.differences()).isEmpty();
            assertThat(verdict.rows("b")).isEqualTo(33);
            for (String site : SITES) {
                Connection c = sites.get(site);
                assertThat(c.getAutoCommit()).isTrue();
                assertThat(c.isReadOnly()).isFalse();
                assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
                assertThat(timeZone(c)).as("the session's time zone after verify").isEqualTo(zones.get(site));
            }
        } finally {
            for (Connection c : sites.values()) {
                c.close();
            }
        }
    }

    private static String timeZone(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW TimeZone")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    @Order(5)
    void aChangedADeletedAndAnExtraRowAreNamedByTheirKeys() throws Exception {
        try (Connection c = servers.get("c").connect(); Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("UPDATE public.big SET note = 'changed at c' WHERE id = 12345")).isOne();
        }
        try (Connection b = servers.get("b").connect();
                PreparedStatement ps = b.prepareStatement("DELETE FROM public.pairs WHERE n = 2 AND tag = ?")) {
            ps.setString(1, EMOJI_TAG);
            assertThat(ps.executeUpdate()).isOne();
        }
        try (Connection a = servers.get("a").connect(); Statement st = a.createStatement()) {
            st.executeUpdate("INSERT INTO \"Odd Schema\".\"Order Lines \"\"v2\"\"\" VALUES (1000, 'only at a')");
        }
        List<String> expected = List.of(
                "key 12345: different rows at a, b | c",
                "key 2,😀 \"emoji\"\\, too: missing at b",
                "key 1000: only at a, missing at b, c");
        for (String chunkSize : List.of("10000", "1000", "7")) {
            Run run = verify("--mesh", mesh.toString(), "--chunk-size", chunkSize);
            assertThat(run.exit()).as("exit code with chunk size %s; stderr: %s", chunkSize, run.err()).isEqualTo(1);
            assertThat(run.out()).anyMatch(l -> l.startsWith("DIFFERENT: 3 of 3 tables differ between sites a, b, c: "
                    + "public.big (1 differing key), public.pairs (1 differing key), " + ODD + " (1 differing key)"));
            assertThat(run.keyLines()).as("chunk size %s", chunkSize).containsExactlyElementsOf(expected);
        }
    }
}
