package io.syncline.connector.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.apply.ApplyResult;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import org.junit.jupiter.api.Test;

class ConnectorMetricsTest {

    /** A private server (newMBeanServer keeps no reference), so tests never see each other's MBeans. */
    private final MBeanServer server = MBeanServerFactory.newMBeanServer();

    private SinkTaskMetrics sinkTask(String connector) {
        return SinkTaskMetrics.register(server, connector,
                new SinkTaskMetrics("orders", "east", Clock.systemUTC(), System::nanoTime));
    }

    @Test
    void addsUpTheTasksOfOneConnectorOnly() {
        SinkTaskMetrics first = sinkTask("orders-east-sink");
        SinkTaskMetrics second = sinkTask("orders-east-sink");
        SinkTaskMetrics other = sinkTask("orders-west-sink");
        first.batchApplied(new ApplyResult(3, 1, 1), List.of(), List.of(), 5, first.batchStarted());
        second.batchApplied(new ApplyResult(4, 0, 2), List.of(), List.of(), 6, second.batchStarted());
        other.batchApplied(new ApplyResult(100, 0, 0), List.of(), List.of(), 100, other.batchStarted());
        first.applyRetries(3);
        second.applyRetries(2);
        other.applyRetries(50);

        Map<String, Object> sum = ConnectorMetrics.read(server, "sink", "orders-east-sink").orElseThrow();
        assertThat(sum).containsEntry("applyRetries", 5L);
        assertThat(sum).containsEntry("tasks", 2L).containsEntry("applied", 7L).containsEntry("conflicts", 3L)
                .containsEntry("skippedAsDuplicate", 1L).containsEntry("batches", 2L)
                .containsEntry("lagMillis", -1L);
        assertThat((Double) sum.get("eventsPerSecond")).isPositive();
    }

    @Test
    void aConnectorWithoutTasksInThisJvmHasNoMetrics() {
        SinkTaskMetrics gone = sinkTask("orders-east-sink");
        gone.close();
        assertThat(ConnectorMetrics.read(server, "sink", "orders-east-sink")).isEmpty();
        assertThat(ConnectorMetrics.read(server, "source", "orders-east-sink")).isEmpty();
    }

    @Test
    void readsSourceTasksAndQuotedNames() {
        SourceTaskMetrics source = SourceTaskMetrics.register(server, "east source, v2",
                new SourceTaskMetrics("orders", "east", Clock.systemUTC(), System::nanoTime));
        source.captured(4);
        Map<String, Object> sum = ConnectorMetrics.read(server, "source", "east source, v2").orElseThrow();
        assertThat(sum).containsEntry("captured", 4L).containsEntry("emitted", 0L).containsEntry("lagMillis", -1L);
    }

    @Test
    void refusesAnUnknownContext() {
        assertThatThrownBy(() -> ConnectorMetrics.read(server, "worker", "x"))
                .hasMessageContaining("context was 'worker', must be sink or source");
    }
}
