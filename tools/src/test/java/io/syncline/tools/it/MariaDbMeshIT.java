package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.cli.SynclineCli;
import io.syncline.tools.embedded.EmbeddedStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL and a MariaDB site on the real stack: inserts, updates, deletes and primary-key
 * changes written at either site arrive at the other, and nothing echoes back.
 */
class MariaDbMeshIT {

    private static final String TABLE = "public.mixed_items";
    private static final String PG_SCHEMA = "CREATE TABLE public.mixed_items (id bigint PRIMARY KEY, "
            + "name varchar(100) NOT NULL, qty integer)";
    private static final String MARIADB_SCHEMA = "CREATE TABLE mixed_items (id bigint PRIMARY KEY, "
            + "name varchar(100) NOT NULL, qty int)";

    private static final String NOTES = "public.mixed_notes";
    private static final String NOTES_SCHEMA = "CREATE TABLE %s (id bigint PRIMARY KEY, body varchar(100) NOT NULL)";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedStack stack;

    @BeforeAll
    static void startStack() {
        String group = "mix" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:mariadb").withGroup(group));
        System.out.println("MariaDbMeshIT embedded stack started in " + stack.startupTime().toMillis() + " ms");
        stack.applySql(PG_SCHEMA, MARIADB_SCHEMA);
        stack.applySql(String.format(NOTES_SCHEMA, NOTES), String.format(NOTES_SCHEMA, "mixed_notes"));
        long startedAt = System.nanoTime();
        stack.startSync(List.of(TABLE, NOTES), Map.of());
        System.out.println("MariaDbMeshIT sync started in " + (System.nanoTime() - startedAt) / 1_000_000 + " ms");
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void changesFlowBothWaysBetweenPostgresAndMariaDb() throws Exception {
        try (Connection a = stack.site("a").connect(); Connection b = stack.site("b").connect()) {
            execute(a, "INSERT INTO public.mixed_items VALUES (1, 'from a', 10), (2, 'also a', NULL)");
            execute(b, "INSERT INTO mixed_items VALUES (3, 'from b', 30)");
            awaitSame(a, b, "1|from a|10,2|also a|null,3|from b|30");

            execute(b, "UPDATE mixed_items SET qty = 11 WHERE id = 1");
            execute(a, "DELETE FROM public.mixed_items WHERE id = 2");
            execute(b, "UPDATE mixed_items SET id = 4 WHERE id = 3");
            awaitSame(a, b, "1|from a|11,4|from b|30");

            execute(a, "UPDATE public.mixed_items SET name = 'ünïcødé 🚀' WHERE id = 4");
            awaitSame(a, b, "1|from a|11,4|ünïcødé 🚀|30");
            assertThat(stack.failures()).isEmpty();
        }
    }

    @Test
    void theChangesCommandPrintsEachOriginsChangesDecodedWithTheirTransactions() throws Exception {
        try (Connection a = stack.site("a").connect(); Connection b = stack.site("b").connect()) {
            a.setAutoCommit(false);
            execute(a, "INSERT INTO public.mixed_notes VALUES (1, 'first of two')");
            execute(a, "INSERT INTO public.mixed_notes VALUES (2, 'second \"of\" two')");
            a.commit();
            a.setAutoCommit(true);
            execute(b, "INSERT INTO mixed_notes VALUES (3, 'from b')");
            Deadlines.await("both sites hold the three notes", Duration.ofSeconds(90),
                    () -> "3".equals(count(a, NOTES + " WHERE id <= 3"))
                            && "3".equals(count(b, "mixed_notes WHERE id <= 3")),
                    () -> "a " + StackSql.quietly(() -> count(a, NOTES + " WHERE id <= 3")) + ", b "
                            + StackSql.quietly(() -> count(b, "mixed_notes WHERE id <= 3")));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(cli(out, "changes", "--kafka", stack.kafka().bootstrapServers(), "--group", stack.group(),
                "--table", NOTES)).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(JSON.readTree(line));
        }
        lines.removeIf(l -> l.get("key").asLong() > 3);
        assertThat(lines).extracting(l -> l.get("key").asText()).containsExactlyInAnyOrder("1", "2", "3");
        JsonNode first = lines.stream().filter(l -> l.get("key").asText().equals("1")).findFirst().orElseThrow();
        JsonNode second = lines.stream().filter(l -> l.get("key").asText().equals("2")).findFirst().orElseThrow();
        JsonNode fromB = lines.stream().filter(l -> l.get("key").asText().equals("3")).findFirst().orElseThrow();
        assertThat(first.get("origin").asText()).isEqualTo("a");
        assertThat(first.get("op").asText()).isEqualTo("upsert");
        assertThat(first.get("dot").asText()).startsWith("a:");
        assertThat(first.get("vv").asText()).contains(first.get("dot").asText());
        assertThat(first.get("transaction").get("id").asText()).startsWith("xid:")
                .isEqualTo(second.get("transaction").get("id").asText());
        assertThat(first.get("transaction").get("last").asBoolean()).isFalse();
        assertThat(second.get("transaction").get("last").asBoolean()).isTrue();
        assertThat(second.get("columns").get("body").asText()).isEqualTo("second \"of\" two");
        assertThat(fromB.get("origin").asText()).isEqualTo("b");
        assertThat(fromB.get("transaction").get("id").asText()).startsWith("gtid:");
        assertThat(fromB.get("columns").get("id").asLong()).isEqualTo(3);

        out.reset();
        assertThat(cli(out, "changes", "--kafka", stack.kafka().bootstrapServers(), "--group", stack.group(),
                "--table", NOTES, "--key", "3", "--no-values")).isZero();
        JsonNode only = JSON.readTree(out.toString(StandardCharsets.UTF_8).strip());
        assertThat(only.get("key").asText()).isEqualTo("3");
        assertThat(only.has("columns")).as("--no-values leaves the columns out").isFalse();
    }

    @Test
    void theWorkerServesTheTasksFiguresToPrometheus() throws Exception {
        try (Connection a = stack.site("a").connect()) {
            execute(a, "INSERT INTO public.mixed_notes VALUES (10, 'counted')");
        }
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.connect().restUrl() + "/syncline/metrics"))
                .build();
        String[] body = {""};
        Deadlines.await("b's sink counted a's change in /syncline/metrics", Duration.ofSeconds(60), () -> {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain")
                    .contains("version=0.0.4");
            body[0] = response.body();
            return body[0].lines().anyMatch(l -> l.startsWith("syncline_sink_applied_total{")
                    && l.contains("site=\"b\"") && !l.endsWith(" 0"));
        }, () -> body[0]);
        JsonNode status = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(stack.connect().restUrl()
                + "/syncline/status")).build(), HttpResponse.BodyHandlers.ofString()).body());
        JsonNode capture = null;
        for (JsonNode site : status.path("sites")) {
            if (site.path("site").asText().equals("a")) {
                capture = site.path("capture");
            }
        }
        assertThat(capture).as("site a's capture in /syncline/status: %s", status).isNotNull();
        assertThat(capture.path("retainedBytes").isNumber()).as("WAL the slot retains: %s", capture).isTrue();
        assertThat(capture.path("walStatus").asText()).isIn("reserved", "extended");
        assertThat(body[0]).contains("# TYPE syncline_sink_applied_total counter")
                .contains("# TYPE syncline_source_captured_total counter")
                .contains("syncline_sink_lag_seconds{");
    }

    private static int cli(ByteArrayOutputStream out, String... args) throws Exception {
        Method run = SynclineCli.class.getDeclaredMethod("run", List.class, PrintStream.class, PrintStream.class);
        run.setAccessible(true);
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        return (int) run.invoke(null, List.of(args), print, System.err);
    }

    private static String count(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void awaitSame(Connection a, Connection b, String expected) {
        Deadlines.await("both sites hold " + expected, Duration.ofSeconds(90),
                () -> expected.equals(rows(a, "public.mixed_items")) && expected.equals(rows(b, "mixed_items")),
                () -> "a " + StackSql.quietly(() -> rows(a, "public.mixed_items")) + ", b "
                        + StackSql.quietly(() -> rows(b, "mixed_items")) + ", failures " + stack.failures());
    }

    private static String rows(Connection c, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, name, qty FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
            }
        }
        return String.join(",", rows);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

}
