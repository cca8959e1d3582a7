package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.embedded.EmbeddedStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The limits that keep a mesh alive for months, on the real stack (a PostgreSQL and a MariaDB
 * site): {@code /syncline/metrics} read by Prometheus's own text-format parser, the WAL and binlog
 * a stopped capture leaves behind rising in status and metrics, the opt-in WAL hard limit tripping
 * and the documented rejoin, and the conflict-log retention running in a live sink.
 *
 * <p>The hard-limit test drops and recreates site a's slot, so it runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetentionGuardIT {

    private static final String TABLE = "public.guard_items";
    private static final String PG_SCHEMA = "CREATE TABLE public.guard_items (id bigint PRIMARY KEY, "
            + "name varchar(100) NOT NULL);\nCREATE TABLE public.guard_filler (id bigserial PRIMARY KEY, pad text)";
    private static final String MARIADB_SCHEMA = "CREATE TABLE guard_items (id bigint PRIMARY KEY, "
            + "name varchar(100) NOT NULL);\nCREATE TABLE guard_filler (id bigint AUTO_INCREMENT PRIMARY KEY, pad text);";
    private static EmbeddedStack stack;

    @BeforeAll
    static void startStack() {
        String group = "guard" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:mariadb").withGroup(group));
        stack.applySql(PG_SCHEMA, MARIADB_SCHEMA);
        stack.startSync(List.of(TABLE), Map.of());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void theMetricsParseWithPrometheusOwnParserAndMatchTheMBeans() throws Exception {
        execute("a", "INSERT INTO public.guard_items VALUES (1, 'one'), (2, 'two')");
        execute("b", "INSERT INTO guard_items VALUES (3, 'three')");
        StackSql.awaitRow(stack, "b", "SELECT count(*) FROM guard_items WHERE id <= 3", "3");
        StackSql.awaitRow(stack, "a", "SELECT count(*) FROM public.guard_items WHERE id <= 3", "3");

        String sink = stack.sinkConnector("b", List.of(TABLE)).name();
        ObjectName mbean = new ObjectName("io.syncline:type=connector-metrics,context=sink,connector=" + sink
                + ",task=0");
        // The figures settle once b's sink has nothing more to do; then a scrape and the MBean agree.
        JsonNode[] samples = {null};
        Deadlines.await("b's sink figures in /syncline/metrics equal its MBean", Duration.ofSeconds(60), () -> {
            long applied = (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(mbean, "Applied");
            long batches = (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(mbean, "Batches");
            samples[0] = MeshProbe.parseMetrics(get("/syncline/metrics"));
            return applied >= 2 && MeshProbe.value(samples[0], "syncline_sink_applied_total", "site", "b") == applied
                    && MeshProbe.value(samples[0], "syncline_sink_batches_total", "site", "b") == batches
                    && MeshProbe.value(samples[0], "syncline_sink_batch_size_count", "site", "b") == batches;
        }, () -> String.valueOf(samples[0]));
        JsonNode parsed = samples[0];
        assertThat(MeshProbe.type(parsed, "syncline_sink_batch_size_bucket")).isEqualTo("histogram");
        assertThat(MeshProbe.type(parsed, "syncline_sink_apply_batch_duration_seconds_bucket")).isEqualTo("histogram");
        assertThat(MeshProbe.type(parsed, "syncline_sink_apply_lag_seconds_bucket")).isEqualTo("histogram");
        assertThat(MeshProbe.type(parsed, "syncline_sink_applied_total")).isEqualTo("counter");
        assertThat(MeshProbe.value(parsed, "syncline_sink_batch_size_bucket", "le", "+Inf"))
                .isEqualTo(MeshProbe.value(parsed, "syncline_sink_batch_size_count", "site", "b"));
        assertThat(MeshProbe.value(parsed, "syncline_site_database_up", "site", "a")).isEqualTo(1);
        assertThat(MeshProbe.value(parsed, "syncline_site_database_up", "site", "b")).as("b: %s", MeshProbe.site(status(), "b"))
                .isEqualTo(1);
        JsonNode offsetsB = MeshProbe.site(status(), "b").path("offsets");
        assertThat(offsetsB).as("b's stored offsets in status").isNotEmpty();
        assertThat(offsetsB.get(0).path("ageMillis").asLong(-1)).isNotNegative();
        String sourceB = stack.sourceConnector("b", List.of(TABLE)).name();
        Deadlines.await("b's binlog in status names the capture's file", Duration.ofSeconds(60),
                () -> MeshProbe.site(status(), "b").path("binlog").path("captureFilePresent").asBoolean(false),
                () -> MeshProbe.site(status(), "b").path("binlog") + "; the source's offsets: "
                        + StackSql.quietly(() -> get("/connectors/" + sourceB + "/offsets")));
        assertThat(MeshProbe.value(parsed, "syncline_site_slot_active", "site", "a")).isEqualTo(1);
        assertThat(MeshProbe.value(parsed, "syncline_site_slot_retained_bytes", "site", "a")).isPositive();
        JsonNode again = MeshProbe.parseMetrics(get("/syncline/metrics"));
        assertThat(MeshProbe.value(again, "syncline_site_binlog_file_present", "site", "b")).isEqualTo(1);
        assertThat(MeshProbe.value(again, "syncline_site_binlog_behind_bytes", "site", "b")).isNotNegative();
    }

    @Test
    @Order(2)
    void aStoppedCaptureShowsTheWalAndBinlogItLeavesBehindRisingInStatusAndMetrics() throws Exception {
        String sourceA = stack.sourceConnector("a", List.of(TABLE)).name();
        String sourceB = stack.sourceConnector("b", List.of(TABLE)).name();
        Map<String, String> warnAt8 = new HashMap<>(stack.sourceConnector("a", List.of(TABLE)).config());
        warnAt8.put("wal.warn.retained.mb", "8");
        stack.rest().putConnectorConfig(sourceA, warnAt8);
        Deadlines.await("a's source runs with the warning level of 8 MiB", Duration.ofSeconds(60),
                () -> MeshProbe.site(status(), "a").path("capture").path("warnRetainedBytes").asLong() == 8L << 20
                        && "RUNNING".equals(stack.rest().connectorState(sourceA)), () -> status().toString());
        long retainedBefore = MeshProbe.site(status(), "a").path("capture").path("retainedBytes").asLong();

        stack.rest().stopConnector(sourceA);
        stack.rest().stopConnector(sourceB);
        awaitStopped(sourceA);
        awaitStopped(sourceB);
        long binlogBefore = MeshProbe.site(status(), "b").path("binlog").path("behindBytes").asLong();
        // About 24 MiB of WAL and of binlog that no capture reads.
        execute("a", "INSERT INTO public.guard_filler (pad) SELECT repeat(md5(g::text), 32) "
                + "FROM generate_series(1, 24000) g");
        for (int i = 0; i < 24; i++) {
            execute("b", "INSERT INTO guard_filler (pad) SELECT REPEAT(MD5(seq), 32) FROM seq_1_to_1000");
        }

        JsonNode[] seen = {null};
        Deadlines.await("a's retained WAL and b's binlog distance rise, with warnings", Duration.ofSeconds(60), () -> {
            seen[0] = status();
            JsonNode a = MeshProbe.site(seen[0], "a");
            JsonNode b = MeshProbe.site(seen[0], "b");
            return a.path("capture").path("retainedBytes").asLong() > retainedBefore + (16L << 20)
                    && a.path("capture").path("warning").asText("").contains("not reading it")
                    && b.path("binlog").path("behindBytes").asLong() > binlogBefore + (16L << 20);
        }, () -> String.valueOf(seen[0]));
        assertThat(MeshProbe.site(seen[0], "a").path("warnings").toString()).contains("source connector " + sourceA
                + " is STOPPED").contains("of WAL (over 8 MiB)");
        JsonNode metrics = MeshProbe.parseMetrics(get("/syncline/metrics"));
        assertThat(MeshProbe.value(metrics, "syncline_site_slot_retained_bytes", "site", "a"))
                .isGreaterThan(retainedBefore + (16L << 20));
        assertThat(MeshProbe.value(metrics, "syncline_site_slot_retained_warning", "site", "a")).isEqualTo(1);
        assertThat(MeshProbe.value(metrics, "syncline_site_slot_active", "site", "a")).isZero();
        assertThat(MeshProbe.value(metrics, "syncline_site_binlog_behind_bytes", "site", "b"))
                .isGreaterThan(binlogBefore + (16L << 20));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = MeshProbe.cli(out, "status", "--connect", stack.restUrl(), "--wal-warn-mb", "8");
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isNotZero();
        assertThat(printed).contains("WARNING: the slot retains").contains("binlog: server at");

        stack.rest().resumeConnector(sourceA);
        stack.rest().resumeConnector(sourceB);
        stack.rest().awaitRunning(sourceA, Duration.ofSeconds(90));
        stack.rest().awaitRunning(sourceB, Duration.ofSeconds(90));
        // Once the captures read on, the warning goes (the slot's restart position moves on as the
        // capture confirms; a row written now makes it confirm).
        Deadlines.await("the captures caught up and the warnings cleared", Duration.ofSeconds(120), () -> {
            execute("a", "INSERT INTO public.guard_items VALUES (" + (100 + ThreadLocalRandom.current().nextInt(1_000_000))
                    + ", 'nudge') ON CONFLICT DO NOTHING");
            seen[0] = status();
            return MeshProbe.site(seen[0], "a").path("capture").path("warning").isNull()
                    && MeshProbe.site(seen[0], "b").path("binlog").path("behindBytes").asLong(Long.MAX_VALUE) < 16L << 20;
        }, () -> String.valueOf(seen[0]));
    }

    @Test
    @Order(3)
    void theConflictRetentionPurgesResolvedEntriesInTheRunningSinkAndKeepsParkedOnes() throws Exception {
        String sinkA = stack.sinkConnector("a", List.of(TABLE)).name();
        execute("a", "DELETE FROM syncline.conflicts");
        execute("a", entry("old-resolved", "resolved", "now() - interval '2 days'"));
        execute("a", entry("old-parked", "parked", "now() - interval '2 days'"));
        execute("a", entry("fresh-resolved", "resolved", "now()"));
        stack.rest().putConnectorConfig(sinkA, stack.sinkConnector("a", List.of(TABLE)).with(Map.of(
                "conflicts.retention.ms", Long.toString(Duration.ofDays(1).toMillis()),
                "conflicts.retention.check.ms", "1000")).config());

        Deadlines.await("a's sink purged the resolved entry older than a day", Duration.ofSeconds(90),
                () -> "fresh-resolved,old-parked".equals(conflictKeys()), RetentionGuardIT::conflictKeys);
        stack.rest().awaitRunning(sinkA, Duration.ofSeconds(60));
        ObjectName mbean = new ObjectName("io.syncline:type=connector-metrics,context=sink,connector=" + sinkA
                + ",task=0");
        assertThat((Long) ManagementFactory.getPlatformMBeanServer().getAttribute(mbean, "ConflictsPurged"))
                .isEqualTo(1);
    }

    private static String entry(String pk, String status, String detectedAt) {
        return "INSERT INTO syncline.conflicts (detected_at, table_name, pk, conflict_type, rule, winner, "
                + "resolved_at_site, local_origin, local_seq, local_hlc, local_vv, local_deleted, incoming_origin, "
                + "incoming_seq, incoming_hlc, incoming_vv, incoming_deleted, result_vv, result_deleted, status) "
                + "VALUES (" + detectedAt + ", 'public.guard_items', '" + pk + "', 'update/update', "
                + "'last-writer-wins', 'local', 'a', 'a', 1, 1, 'a:1', false, 'b', 1, 1, 'b:1', false, 'a:1,b:1', "
                + "false, '" + status + "')";
    }

    private static String conflictKeys() {
        try (Connection c = stack.site("a").connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT string_agg(pk, ',' ORDER BY pk) FROM syncline.conflicts")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    private static void execute(String site, String sql) throws SQLException {
        MeshProbe.execute(stack, site, sql);
    }

    private static JsonNode status() {
        return MeshProbe.status(stack);
    }

    private static String get(String path) throws IOException, InterruptedException {
        return MeshProbe.get(stack, path);
    }

    private static void awaitStopped(String connector) {
        MeshProbe.awaitStopped(stack, connector);
    }
}
