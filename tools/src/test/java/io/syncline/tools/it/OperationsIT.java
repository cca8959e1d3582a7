package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.cli.ExitCode;
import io.syncline.tools.embedded.EmbeddedStack;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Operations on the real stack: two PostgreSQL sites syncing, rows written at a, then a scripted
 * race on one row (both sinks paused, the row updated at a and then at b, sinks resumed). The
 * worker's REST extension then shows both sites running with their applied and conflict counts
 * ({@code /syncline/status}), the conflict ({@code /syncline/conflicts}) and each site's version of
 * the row ({@code /syncline/rows}); the task MBeans in the worker's JVM count applies and conflicts;
 * {@code syncline status} prints both sites and exits 0.
 */
class OperationsIT {

    private static final String TABLE = "public.ops_items";
    private static final List<String> TABLES = List.of(TABLE);
    private static final int ROWS = 5;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedStack stack;
    private static HttpClient http;

    @BeforeAll
    static void startStackWriteAndRace() throws Exception {
        String group = "ops" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres").withGroup(group));
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        stack.applySql("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, name text)");
        stack.startSync(TABLES, Map.of("apply.ledger.enabled", "true"));

        for (int id = 1; id <= ROWS; id++) {
            StackSql.execute(stack, "a", "INSERT INTO " + TABLE + " (id, name) VALUES (" + id + ", 'row " + id + "')");
        }
        Deadlines.await(ROWS + " rows at b", WAIT, () -> count("b", "SELECT count(*) FROM " + TABLE) == ROWS,
                () -> "failures " + stack.failures());

        // The race: both versions of row 1 are written before either site sees the other's.
        List<String> sinks = List.of(sinkName("a"), sinkName("b"));
        StackConnectors.pauseAndAwait(stack, sinks);
        StackSql.execute(stack, "a", "UPDATE " + TABLE + " SET name = 'from a' WHERE id = 1");
        StackSql.execute(stack, "b", "UPDATE " + TABLE + " SET name = 'from b' WHERE id = 1");
        for (String sink : sinks) {
            stack.rest().resumeConnector(sink);
        }
        for (String site : List.of("a", "b")) {
            Deadlines.await("the conflict of row 1 logged at " + site, WAIT,
                    () -> count(site, "SELECT count(*) FROM syncline.conflicts WHERE table_name = '" + TABLE + "'") > 0,
                    () -> "failures " + stack.failures());
        }
        Deadlines.await("row 1 converged", WAIT, () -> name("a", 1).equals(name("b", 1)),
                () -> "a: " + StackSql.quietly(() -> name("a", 1)) + ", b: " + StackSql.quietly(() -> name("b", 1)));
        for (String sink : sinks) {
            stack.rest().awaitRunning(sink, WAIT);
        }
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void statusListsBothSitesRunningWithAppliedAndConflictCounts() throws Exception {
        JsonNode[] last = new JsonNode[1];
        Deadlines.await("/syncline/status says running", WAIT, () -> {
            last[0] = get("/syncline/status").body;
            return last[0].path("running").asBoolean();
        }, () -> String.valueOf(last[0]));
        JsonNode status = last[0];

        assertThat(status.path("sites")).hasSize(2);
        for (JsonNode site : status.path("sites")) {
            String id = site.path("site").asText();
            assertThat(site.path("group").asText()).isEqualTo(stack.group());
            assertThat(site.path("connectors")).extracting(c -> c.path("state").asText()).containsOnly("RUNNING");
            assertThat(site.path("connectors")).extracting(c -> c.path("type").asText())
                    .containsExactly("source", "sink");
            for (JsonNode c : site.path("connectors")) {
                assertThat(c.path("tasks")).isNotEmpty().extracting(t -> t.path("state").asText()).containsOnly("RUNNING");
            }
            assertThat(site.path("database").path("reachable").asBoolean()).as("site %s database", id).isTrue();
            assertThat(site.path("database").toString()).doesNotContain(stack.site(id).password());
            assertThat(site.path("appliedFrom").asText()).isEqualTo("ledger");
            assertThat(site.path("conflicts").asLong()).as("site %s conflicts", id).isPositive();
            assertThat(site.path("conflictsByType").path("update/update").asLong()).isPositive();
            assertThat(site.path("offsets")).isNotEmpty();
            assertThat(site.path("capture").path("exists").asBoolean()).isTrue();
            assertThat(site.path("capture").path("active").asBoolean()).isTrue();
            assertThat(site.path("metrics").path("sink").path("tasks").asLong()).as("the sink runs in this JVM").isEqualTo(1);
            assertThat(site.path("metrics").path("source").path("emitted").asLong()).isPositive();
        }
        JsonNode b = site(status, "b");
        assertThat(b.path("applied").asLong()).as("rows written at a, applied at b").isGreaterThanOrEqualTo(ROWS);
        assertThat(status.toString()).doesNotContain(stack.site("a").password());

        assertThat(get("/syncline/status?group=no-such-group").body.path("sites")).isEmpty();
    }

    @Test
    void conflictsListsTheRaceAtBothSitesNewestFirst() throws Exception {
        Response response = get("/syncline/conflicts?table=" + URLEncoder.encode(TABLE, StandardCharsets.UTF_8));
        assertThat(response.status).isEqualTo(200);
        JsonNode conflicts = response.body.path("conflicts");
        assertThat(conflicts).extracting(c -> c.path("site").asText()).contains("a", "b");
        for (JsonNode c : conflicts) {
            assertThat(c.path("table").asText()).isEqualTo(TABLE);
            assertThat(c.path("pk").asText()).isEqualTo("1");
            assertThat(c.path("type").asText()).isEqualTo("update/update");
            assertThat(c.path("rule").asText()).isEqualTo("last-writer-wins");
            assertThat(c.path("winner").asText()).isNotBlank();
            assertThat(c.path("origins")).extracting(JsonNode::asText).containsExactlyInAnyOrder("a", "b");
            assertThat(c.path("detectedAt").asText()).isNotBlank();
        }
        assertThat(response.body.path("sites")).extracting(s -> s.path("reachable").asBoolean()).containsOnly(true);

        assertThat(get("/syncline/conflicts?limit=1").body.path("conflicts")).hasSize(1);
        assertThat(get("/syncline/conflicts?table=public.nothing_here").body.path("conflicts")).isEmpty();
        Response tooMany = get("/syncline/conflicts?limit=5000");
        assertThat(tooMany.status).isEqualTo(400);
        assertThat(tooMany.body.path("message").asText()).contains("limit was 5000, must be between 1 and 1000");
    }

    @Test
    void rowsShowsEachSitesVersionOfTheRow() throws Exception {
        JsonNode[] last = new JsonNode[1];
        Deadlines.await("row 1 identical at both sites", WAIT, () -> {
            last[0] = get("/syncline/rows/" + TABLE + "/1").body;
            return last[0].path("identical").asBoolean();
        }, () -> String.valueOf(last[0]));
        JsonNode row = last[0];
        assertThat(row.path("table").asText()).isEqualTo(TABLE);
        assertThat(row.path("sites")).extracting(s -> s.path("site").asText()).containsExactly("a", "b");
        for (JsonNode site : row.path("sites")) {
            assertThat(site.path("found").asBoolean()).isTrue();
            // Both versions were joined: the vector has seen the write of each site.
            assertThat(site.path("vv").asText()).contains("a:").contains("b:");
            assertThat(site.path("deleted").asBoolean()).isFalse();
        }
        JsonNode missing = get("/syncline/rows/" + TABLE + "?key=" + URLEncoder.encode("404", StandardCharsets.UTF_8)).body;
        assertThat(missing.path("sites")).extracting(s -> s.path("found").asBoolean()).containsOnly(false);
    }

    @Test
    void theTaskMBeansCountAppliesAndConflicts() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (String site : List.of("a", "b")) {
            ObjectName pattern = new ObjectName("io.syncline:type=connector-metrics,context=sink,connector="
                    + sinkName(site) + ",*");
            Deadlines.await("the sink MBean of site " + site + " counts the conflict", WAIT, () -> {
                Set<ObjectName> names = server.queryNames(pattern, null);
                return names.size() == 1 && (Long) server.getAttribute(names.iterator().next(), "Conflicts") > 0;
            }, () -> String.valueOf(server.queryNames(pattern, null)));
            ObjectName name = server.queryNames(pattern, null).iterator().next();
            assertThat(name.getKeyProperty("task")).isEqualTo("0");
            assertThat((Long) server.getAttribute(name, "Applied")).isPositive();
            assertThat((Long) server.getAttribute(name, "Batches")).isPositive();
            assertThat(server.getAttribute(name, "Site")).isEqualTo(site);
            assertThat(conflictTypes((TabularData) server.getAttribute(name, "ConflictsByType")))
                    .containsEntry("update/update", 1L);
            assertThat((Long) server.getAttribute(name, "ConflictsUpdateUpdate")).isEqualTo(1L);
            assertThat((Long) server.getAttribute(name, "LagMillis")).isGreaterThanOrEqualTo(0L);

            ObjectName source = new ObjectName("io.syncline:type=connector-metrics,context=source,connector="
                    + stack.sourceConnector(site, TABLES).name() + ",task=0");
            assertThat((Long) server.getAttribute(source, "Emitted")).isPositive();
            assertThat((Long) server.getAttribute(source, "Captured")).isPositive();
        }
        ObjectName sourceA = new ObjectName("io.syncline:type=connector-metrics,context=source,connector="
                + stack.sourceConnector("a", TABLES).name() + ",task=0");
        assertThat((Long) server.getAttribute(sourceA, "Emitted")).as("rows written at a").isGreaterThanOrEqualTo(ROWS);
        ObjectName sourceB = new ObjectName("io.syncline:type=connector-metrics,context=source,connector="
                + stack.sourceConnector("b", TABLES).name() + ",task=0");
        Deadlines.await("b's capture dropped what it applied from a", WAIT,
                () -> (Long) server.getAttribute(sourceB, "DroppedForeign") >= ROWS,
                () -> StackSql.quietly(() -> String.valueOf(server.getAttribute(sourceB, "DroppedForeign"))));
    }

    @Test
    void statusCommandPrintsBothSitesAndExitsZero() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExitCode[] code = new ExitCode[1];
        Deadlines.await("syncline status exits 0", WAIT, () -> {
            out.reset();
            err.reset();
            code[0] = runStatusCommand(List.of("--connect", stack.connect().restUrl()), out, err);
            return code[0] == ExitCode.OK;
        }, () -> code[0] + "\n" + out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("site a  group " + stack.group()).contains("site b  group " + stack.group())
                .contains(sinkName("a")).contains(sinkName("b")).contains("running: 4 connectors at 2 sites");
        assertThat(printed).doesNotContain(stack.site("a").password());

        // The worker from the mesh JSON line, as 'syncline up' prints it.
        out.reset();
        assertThat(runStatusCommand(List.of("--mesh", "-"), out, err, stack.describeJson())).isEqualTo(ExitCode.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("site b  group " + stack.group());
    }

    /**
     * StatusCommand is package-private like every command ({@code syncline status} reaches it); the
     * test calls it in this JVM so it reads the same worker.
     */
    private static ExitCode runStatusCommand(List<String> args, ByteArrayOutputStream out, ByteArrayOutputStream err)
            throws Exception {
        return runStatusCommand(args, out, err, "");
    }

    private static ExitCode runStatusCommand(List<String> args, ByteArrayOutputStream out, ByteArrayOutputStream err,
            String stdin) throws Exception {
        Class<?> type = Class.forName("io.syncline.tools.cli.StatusCommand");
        Constructor<?> constructor = type.getDeclaredConstructor(PrintStream.class, PrintStream.class, InputStream.class);
        constructor.setAccessible(true);
        Object command = constructor.newInstance(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        Method run = type.getDeclaredMethod("run", List.class);
        run.setAccessible(true);
        return (ExitCode) run.invoke(command, args);
    }

    private static Map<String, Long> conflictTypes(TabularData table) {
        Map<String, Long> counts = new TreeMap<>();
        for (Object row : table.values()) {
            CompositeData entry = (CompositeData) row;
            counts.put((String) entry.get("key"), (Long) entry.get("value"));
        }
        return counts;
    }

    private record Response(int status, JsonNode body) {
    }

    private static Response get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(stack.connect().restUrl() + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), JSON.readTree(response.body()));
    }

    private static JsonNode site(JsonNode status, String id) {
        for (JsonNode site : status.path("sites")) {
            if (site.path("site").asText().equals(id)) {
                return site;
            }
        }
        throw new AssertionError("no site " + id + " in " + status);
    }

    private static String sinkName(String site) {
        return stack.sinkConnector(site, TABLES).name();
    }

    private static long count(String site, String sql) throws SQLException {
        try (Connection c = stack.site(site).connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String name(String site, long id) throws SQLException {
        try (Connection c = stack.site(site).connect();
                PreparedStatement ps = c.prepareStatement("SELECT name FROM " + TABLE + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "<no row>";
            }
        }
    }

}
