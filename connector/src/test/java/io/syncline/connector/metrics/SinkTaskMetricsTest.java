package io.syncline.connector.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.Dot;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import io.syncline.core.apply.ApplyResult;
import io.syncline.core.apply.ConflictType;
import io.syncline.core.apply.LoggedConflict;
import io.syncline.core.apply.Rejection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;

class SinkTaskMetricsTest {

    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

    /** A private server (newMBeanServer keeps no reference), so tests never see each other's MBeans. */
    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    private SinkTaskMetrics register(String connector) {
        return SinkTaskMetrics.register(server, connector, new SinkTaskMetrics("orders", "east", clock, nanos::get));
    }

    private static ChangeEvent event(long seq, long commitMicros) {
        SiteId west = SiteId.of("west");
        return new ChangeEvent("public.orders", Long.toString(seq), ChangeEvent.Op.UPSERT, List.of("id"),
                Map.of("id", ColumnValue.of(Long.toString(seq))), VersionVector.empty().with(west, seq),
                new Dot(west, seq), 1L << 16, commitMicros, "");
    }

    @Test
    void registersUnderTheConnectStyleNameAndUnregistersOnClose() throws Exception {
        SinkTaskMetrics metrics = register("orders-east-sink");
        ObjectName name = new ObjectName("io.syncline:type=connector-metrics,context=sink,connector=orders-east-sink,task=0");
        assertThat(metrics.objectName()).isEqualTo(name);
        assertThat(server.isRegistered(name)).isTrue();
        assertThat(server.getAttribute(name, "Site")).isEqualTo("east");
        assertThat(server.getAttribute(name, "SyncGroup")).isEqualTo("orders");

        metrics.close();
        assertThat(server.isRegistered(name)).isFalse();
        metrics.close(); // a second close is harmless
    }

    @Test
    void aSecondTaskOfTheConnectorTakesTheNextNumberAndARestartedTaskTheFreedOne() {
        SinkTaskMetrics first = register("orders-east-sink");
        SinkTaskMetrics second = register("orders-east-sink");
        SinkTaskMetrics otherConnector = register("orders-west-sink");
        assertThat(first.objectName().getKeyProperty("task")).isEqualTo("0");
        assertThat(second.objectName().getKeyProperty("task")).isEqualTo("1");
        assertThat(otherConnector.objectName().getKeyProperty("task")).isEqualTo("0");

        first.close();
        SinkTaskMetrics restarted = register("orders-east-sink");
        assertThat(restarted.objectName().getKeyProperty("task")).isEqualTo("0");
    }

    @Test
    void aConnectorNameWithSpecialCharactersIsQuoted() throws Exception {
        SinkTaskMetrics metrics = register("sink, east=1");
        assertThat(metrics.objectName().getKeyProperty("connector")).isEqualTo(ObjectName.quote("sink, east=1"));
        assertThat(ObjectName.unquote(metrics.objectName().getKeyProperty("connector"))).isEqualTo("sink, east=1");
        assertThat(server.getAttribute(metrics.objectName(), "Applied")).isEqualTo(0L);
    }

    @Test
    void countsBatchesAsJmxAttributes() throws Exception {
        SinkTaskMetrics metrics = register("orders-east-sink");
        long commitMicros = (NOW.toEpochMilli() - 250) * 1000;
        List<ChangeEvent> events = List.of(event(1, commitMicros - 5_000_000), event(2, commitMicros), event(3, 0));
        metrics.skippedByDotCache();
        metrics.skippedByDotCache();

        long began = metrics.batchStarted();
        nanos.addAndGet(40_000_000L);
        Rejection refused = new Rejection(events.get(2), "duplicate key value violates unique constraint");
        metrics.batchApplied(new ApplyResult(1, 1, 0, List.of(refused)), List.of(), events, 5, began);

        ObjectName name = metrics.objectName();
        assertThat(server.getAttribute(name, "Applied")).isEqualTo(1L);
        assertThat(server.getAttribute(name, "SkippedAsDuplicate")).isEqualTo(3L);
        assertThat(server.getAttribute(name, "SkippedByDotCache")).isEqualTo(2L);
        assertThat(server.getAttribute(name, "DeadLettered")).isEqualTo(1L);
        assertThat(server.getAttribute(name, "Conflicts")).isEqualTo(0L);
        assertThat(server.getAttribute(name, "Batches")).isEqualTo(1L);
        assertThat(server.getAttribute(name, "LastBatchSize")).isEqualTo(5);
        assertThat(server.getAttribute(name, "ApplyBatchLatencyMillis")).isEqualTo(40L);
        // The newest change of the batch sets the lag; one without a commit time does not count.
        assertThat(server.getAttribute(name, "LagMillis")).isEqualTo(250L);
        assertThat(server.getAttribute(name, "LastBatchTimeMillis")).isEqualTo(NOW.toEpochMilli());
        assertThat((Double) server.getAttribute(name, "EventsPerSecond")).isPositive();
    }

    @Test
    void latencyKeepsTheLastTheMaximumAndAWeightedMean() {
        SinkTaskMetrics metrics = register("orders-east-sink");
        for (long millis : new long[] {100, 10, 10}) {
            long began = metrics.batchStarted();
            nanos.addAndGet(millis * 1_000_000);
            metrics.batchApplied(new ApplyResult(1, 0, 0), List.of(), List.of(event(1, 0)), 1, began);
        }
        assertThat(metrics.getApplyBatchLatencyMillis()).isEqualTo(10);
        assertThat(metrics.getApplyBatchLatencyMaxMillis()).isEqualTo(100);
        // 100, then 100 + 0.2 (10 - 100) = 82, then 82 + 0.2 (10 - 82) = 67.6
        assertThat(metrics.getApplyBatchLatencyMeanMillis()).isCloseTo(67.6, within(1e-9));
        assertThat(metrics.getLagMillis()).as("no change with a commit time yet").isEqualTo(-1);
    }

    @Test
    void conflictsCountWithoutAConnectionAndTheirTypesAreAnEmptyTable() throws Exception {
        SinkTaskMetrics metrics = register("orders-east-sink");
        metrics.batchApplied(new ApplyResult(0, 0, 2), List.of(), List.of(event(1, 0), event(2, 0)), 2,
                metrics.batchStarted());
        assertThat(server.getAttribute(metrics.objectName(), "Conflicts")).isEqualTo(2L);
        assertThat(server.getAttribute(metrics.objectName(), "ConflictsUpdateUpdate")).isEqualTo(0L);
        Object byType = server.getAttribute(metrics.objectName(), "ConflictsByType");
        assertThat(byType).isInstanceOf(TabularData.class);
        assertThat(((TabularData) byType).isEmpty()).isTrue();
    }

    @Test
    void conflictsAreCountedByTypeAndRuleFromWhatTheApplierLogged() throws Exception {
        SinkTaskMetrics metrics = register("orders-east-sink");
        List<LoggedConflict> logged = List.of(
                new LoggedConflict("public.orders", "1", ConflictType.UPDATE_UPDATE, "last-writer-wins"),
                new LoggedConflict("public.orders", "2", ConflictType.UPDATE_UPDATE, "site-priority"),
                new LoggedConflict("public.orders", "3", ConflictType.INSERT_INSERT, "last-writer-wins"));
        metrics.batchApplied(new ApplyResult(2, 0, 3), logged, List.of(event(1, 0)), 3, metrics.batchStarted());
        metrics.batchApplied(new ApplyResult(0, 0, 1),
                List.of(new LoggedConflict("public.orders", "4", ConflictType.UPDATE_DELETE, "delete-wins")),
                List.of(event(4, 0)), 1, metrics.batchStarted());

        ObjectName name = metrics.objectName();
        assertThat(server.getAttribute(name, "Conflicts")).isEqualTo(4L);
        assertThat(server.getAttribute(name, "ConflictsUpdateUpdate")).isEqualTo(2L);
        assertThat(server.getAttribute(name, "ConflictsInsertInsert")).isEqualTo(1L);
        assertThat(server.getAttribute(name, "ConflictsUpdateDelete")).isEqualTo(1L);
        assertThat(server.getAttribute(name, "ConflictsDeleteDelete")).isEqualTo(0L);
        assertThat(metrics.getConflictsByType()).isEqualTo(Map.of("insert/insert", 1L, "update/delete", 1L,
                "update/update", 2L));
        assertThat(metrics.getConflictsByRule()).isEqualTo(Map.of("last-writer-wins", 2L, "site-priority", 1L,
                "delete-wins", 1L));
        assertThat(((TabularData) server.getAttribute(name, "ConflictsByRule")).size()).isEqualTo(3);
    }
}
