package io.syncline.connector.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.core.site.KeyPlan;
import io.syncline.core.site.KeySequence;
import io.syncline.core.site.SequenceBlock;
import io.syncline.core.site.TableRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SiteStatusTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static SiteStatus.ConnectorStatus connector(String name, String type, String state, String... tasks) {
        List<SiteStatus.TaskStatus> list = new ArrayList<>();
        for (int i = 0; i < tasks.length; i++) {
            list.add(new SiteStatus.TaskStatus(i, tasks[i], "10.0.0.1:8083",
                    tasks[i].equals("FAILED") ? "org.apache.kafka.connect.errors.ConnectException: site a is gone" : null));
        }
        return new SiteStatus.ConnectorStatus(name, type, state, "10.0.0.1:8083", null, list);
    }

    private static SiteStatus.DatabaseStatus reachable(Long applied) {
        return SiteStatus.DatabaseStatus.reachable("db-a:5432/site_a", applied, 3,
                Map.of("update/update", 2L, "insert/insert", 1L), Map.of("last-writer-wins", 3L),
                List.of(new SiteStatus.OffsetStatus("orders.changes", 0, 41L, 2, "2025-03-01T12:00:00Z", 1500),
                        new SiteStatus.OffsetStatus("orders.changes", 1, null, 2, "2025-03-01T12:00:01Z", 500)),
                new SiteStatus.CaptureStatus("syncline_orders_a", true, true, "0/1A2B3C4", 0L));
    }

    private static Map<String, Object> sinkMetrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tasks", 1L);
        m.put("applied", 7L);
        m.put("lagMillis", 85L);
        m.put("eventsPerSecond", 12.5);
        return m;
    }

    @Test
    void rendersARunningSiteWithLedgerCountsOffsetsCaptureAndMetrics() throws Exception {
        SiteStatus status = new SiteStatus("orders", "a",
                List.of(connector("orders-a-source", "source", "RUNNING", "RUNNING"),
                        connector("orders-a-sink", "sink", "RUNNING", "RUNNING")),
                reachable(40L), Optional.of(sinkMetrics()), Optional.empty());

        JsonNode json = JSON.readTree(JSON.writeValueAsString(status.toJson()));

        assertThat(json.path("running").asBoolean()).isTrue();
        assertThat(json.path("group").asText()).isEqualTo("orders");
        assertThat(json.path("connectors")).hasSize(2);
        assertThat(json.path("connectors").get(1).path("tasks").get(0).path("state").asText()).isEqualTo("RUNNING");
        assertThat(json.path("database").path("reachable").asBoolean()).isTrue();
        assertThat(json.path("database").has("error")).isFalse();
        assertThat(json.path("applied").asLong()).as("the ledger beats the metrics").isEqualTo(40);
        assertThat(json.path("appliedFrom").asText()).isEqualTo("ledger");
        assertThat(json.path("conflicts").asLong()).isEqualTo(3);
        assertThat(json.path("conflictsByType").fieldNames()).toIterable()
                .containsExactly("insert/insert", "update/update");
        assertThat(json.path("lagMillis").asLong()).isEqualTo(85);
        assertThat(json.path("lastAppliedAgeMillis").asLong()).as("the newest offset").isEqualTo(500);
        assertThat(json.path("eventsPerSecond").asDouble()).isEqualTo(12.5);
        assertThat(json.path("offsets").get(0).path("nextOffset").asLong()).isEqualTo(41);
        assertThat(json.path("offsets").get(1).path("nextOffset").isNull()).as("claimed, nothing stored yet").isTrue();
        assertThat(json.path("capture").path("confirmedFlushLsn").asText()).isEqualTo("0/1A2B3C4");
        assertThat(json.path("metrics").path("sink").path("applied").asLong()).isEqualTo(7);
        assertThat(json.path("metrics").has("source")).isFalse();
        assertThat(json.path("keys").isNull()).as("no source connector config: keys unknown").isTrue();
    }

    @Test
    void rendersEveryGeneratedKeyWithItsKindAndSlot() throws Exception {
        KeySequence ticket = new KeySequence(TableRef.parse("public.tickets"), "id", "public.tickets_id_seq",
                "interleaved", 16, 1_000_019, KeySequence.Action.UNCHANGED);
        SiteStatus status = new SiteStatus("orders", "a", List.of(connector("orders-a-source", "source", "RUNNING",
                "RUNNING")), reachable(40L), Optional.empty(), Optional.empty(),
                Optional.of(List.of(SiteKeys.toJson(ticket, KeyPlan.interleaved(16, 3)))));

        JsonNode key = JSON.readTree(JSON.writeValueAsString(status.toJson())).path("keys").get(0);

        assertThat(key.path("sequence").asText()).isEqualTo("public.tickets_id_seq");
        assertThat(key.path("kind").asText()).isEqualTo("interleaved");
        assertThat(key.path("increment").asLong()).isEqualTo(16);
        assertThat(key.path("next").asLong()).isEqualTo(1_000_019);
        assertThat(key.path("slot").asInt()).isEqualTo(3);
        assertThat(key.path("remaining").isNull()).isTrue();

        KeySequence blocks = new KeySequence(TableRef.parse("public.notes"), "id", "public.notes_id_seq",
                "coordinator-blocks", 1, 20_042, KeySequence.Action.UNCHANGED,
                Optional.of(new SequenceBlock(20_001, 30_000)));
        JsonNode block = JSON.valueToTree(SiteKeys.toJson(blocks, KeyPlan.coordinatorBlocks(10_000, 2_000)));
        assertThat(block.path("kind").asText()).isEqualTo("coordinator-blocks");
        assertThat(block.path("block").path("start").asLong()).isEqualTo(20_001);
        assertThat(block.path("block").path("end").asLong()).isEqualTo(30_000);
        assertThat(block.path("remaining").asLong()).isEqualTo(9_959);
        assertThat(block.path("slot").isNull()).isTrue();
    }

    @Test
    void withoutTheLedgerTheAppliedCountComesFromTheMetricsOrIsNull() throws Exception {
        SiteStatus withMetrics = new SiteStatus("orders", "a", List.of(connector("s", "sink", "RUNNING", "RUNNING")),
                reachable(null), Optional.of(sinkMetrics()), Optional.empty());
        JsonNode json = JSON.valueToTree(withMetrics.toJson());
        assertThat(json.path("applied").asLong()).isEqualTo(7);
        assertThat(json.path("appliedFrom").asText()).isEqualTo("metrics");

        SiteStatus neither = new SiteStatus("orders", "a", List.of(connector("s", "sink", "RUNNING", "RUNNING")),
                reachable(null), Optional.empty(), Optional.empty());
        JsonNode bare = JSON.valueToTree(neither.toJson());
        assertThat(bare.path("applied").isNull()).isTrue();
        assertThat(bare.path("lagMillis").isNull()).isTrue();
        assertThat(bare.path("eventsPerSecond").isNull()).isTrue();
    }

    @Test
    void anUnreachableDatabaseIsShownWithItsReasonAndTheSiteIsNotRunning() {
        SiteStatus status = new SiteStatus("orders", "b", List.of(connector("s", "sink", "RUNNING", "RUNNING")),
                SiteStatus.DatabaseStatus.unreachable("db-b:5432/site_b", "Connection to db-b:5432 refused"),
                Optional.empty(), Optional.empty());
        JsonNode json = JSON.valueToTree(status.toJson());
        assertThat(json.path("running").asBoolean()).isFalse();
        assertThat(json.path("database").path("reachable").asBoolean()).isFalse();
        assertThat(json.path("database").path("error").asText()).contains("refused");
        assertThat(json.path("conflicts").isNull()).isTrue();
        assertThat(json.path("offsets")).isEmpty();
    }

    @Test
    void aFailedTaskOrAPausedConnectorOrNoTaskMeansNotRunning() {
        assertThat(connector("s", "sink", "RUNNING", "RUNNING", "FAILED").running()).isFalse();
        assertThat(connector("s", "sink", "PAUSED", "PAUSED").running()).isFalse();
        assertThat(connector("s", "sink", "RUNNING").running()).isFalse();
        assertThat(connector("s", "sink", "RUNNING", "RUNNING", "RUNNING").running()).isTrue();
        JsonNode task = JSON.valueToTree(new SiteStatus("o", "a", List.of(connector("s", "sink", "RUNNING", "FAILED")),
                reachable(1L), Optional.empty(), Optional.empty()).toJson()).path("connectors").get(0).path("tasks").get(0);
        assertThat(task.path("trace").asText()).isEqualTo("org.apache.kafka.connect.errors.ConnectException: site a is gone");
    }

    @Test
    void theStatusBodyIsRunningOnlyWhenEverySiteRuns() {
        SiteStatus a = new SiteStatus("orders", "a", List.of(connector("s", "sink", "RUNNING", "RUNNING")),
                reachable(1L), Optional.empty(), Optional.empty());
        SiteStatus b = new SiteStatus("orders", "b", List.of(connector("t", "sink", "FAILED", "FAILED")),
                reachable(1L), Optional.empty(), Optional.empty());
        Instant now = Instant.parse("2025-03-01T12:00:00Z");
        Map<String, Object> both = StatusResource.render(List.of(a, b), now);
        assertThat(both).containsEntry("running", false).containsEntry("time", "2025-03-01T12:00:00Z");
        assertThat(StatusResource.render(List.of(a), now)).containsEntry("running", true);
        assertThat(StatusResource.render(List.of(), now)).containsEntry("running", false);
    }

    @Test
    void aSlotRetainingMoreThanTheWarningLevelOrLostIsAWarning() throws Exception {
        SiteStatus.CaptureStatus stopped = new SiteStatus.CaptureStatus("syncline_orders_a", true, false, "0/1", 5L << 20,
                3L << 20, "reserved", 2L << 20);
        SiteStatus status = new SiteStatus("orders", "a",
                List.of(connector("orders-a-source", "source", "STOPPED")),
                SiteStatus.DatabaseStatus.reachable("db-a:5432/site_a", null, 0, Map.of(), Map.of(), List.of(),
                        stopped), Optional.empty(), Optional.empty());

        JsonNode json = JSON.readTree(JSON.writeValueAsString(status.toJson()));

        assertThat(json.path("capture").path("warnRetainedBytes").asLong()).isEqualTo(2L << 20);
        assertThat(json.path("capture").path("warning").asText()).contains("retains 3 MiB of WAL (over 2 MiB)")
                .contains("not reading it");
        assertThat(json.path("warnings").toString()).contains("source connector orders-a-source is STOPPED")
                .contains("retains 3 MiB");
        assertThat(new SiteStatus.CaptureStatus("s", true, false, "0/1", 1L, 1L, "lost", 1L << 30).warning())
                .contains("is lost");
        assertThat(new SiteStatus.CaptureStatus("s", true, true, "0/1", 1L, 1L, "reserved", 1L << 30).warning())
                .isNull();
    }

    @Test
    void aMariaDbSiteShowsItsBinlogDistanceAndAPurgedFileIsAWarning() throws Exception {
        SiteStatus.BinlogStatus purged = new SiteStatus.BinlogStatus("mariadb-bin.000001", 400L,
                "mariadb-bin.000003", 900L, null, false, 1L << 30);
        SiteStatus status = new SiteStatus("orders", "c", List.of(connector("orders-c-source", "source", "RUNNING",
                "RUNNING")), SiteStatus.DatabaseStatus.reachable("db-c:3306/site_c", null, 0, Map.of(), Map.of(),
                List.of(), null, purged), Optional.empty(), Optional.empty());

        JsonNode json = JSON.readTree(JSON.writeValueAsString(status.toJson()));

        assertThat(json.path("binlog").path("captureFile").asText()).isEqualTo("mariadb-bin.000001");
        assertThat(json.path("binlog").path("captureFilePresent").asBoolean(true)).isFalse();
        assertThat(json.path("binlog").path("warning").asText()).contains("gone from the server");
        assertThat(json.path("warnings")).hasSize(1);
    }
}
