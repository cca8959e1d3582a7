package io.syncline.connector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.Dot;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class SourceTaskMetricsTest {

    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

    /** A private server (newMBeanServer keeps no reference), so tests never see each other's MBeans. */
    private final MBeanServer server = MBeanServerFactory.newMBeanServer();

    private static ChangeEvent event(long seq, long commitMicros) {
        SiteId east = SiteId.of("east");
        return new ChangeEvent("public.orders", Long.toString(seq), ChangeEvent.Op.UPSERT, List.of("id"),
                Map.of("id", ColumnValue.of(Long.toString(seq))), VersionVector.empty().with(east, seq),
                new Dot(east, seq), 1L << 16, commitMicros, "");
    }

    @Test
    void countsCaptureAndUnregistersOnClose() throws Exception {
        SourceTaskMetrics metrics = SourceTaskMetrics.register(server, "orders-east-source",
                new SourceTaskMetrics("orders", "east", Clock.fixed(NOW, ZoneOffset.UTC), System::nanoTime));
        ObjectName name = new ObjectName(
                "io.syncline:type=connector-metrics,context=source,connector=orders-east-source,task=0");
        assertThat(metrics.objectName()).isEqualTo(name);
        assertThat(server.getAttribute(name, "LastCaptureLagMillis")).isEqualTo(-1L);

        metrics.captured(6);
        metrics.emitted(event(1, (NOW.toEpochMilli() - 30) * 1000));
        metrics.emitted(event(2, 0));
        metrics.conflictPublished();
        metrics.droppedForeign(4);
        metrics.droppedForeign(5);

        assertThat(server.getAttribute(name, "Captured")).isEqualTo(6L);
        assertThat(server.getAttribute(name, "Emitted")).isEqualTo(2L);
        assertThat(server.getAttribute(name, "ConflictsPublished")).isEqualTo(1L);
        assertThat(server.getAttribute(name, "DroppedForeign")).as("the capture's running total").isEqualTo(5L);
        assertThat(server.getAttribute(name, "LastCaptureLagMillis")).isEqualTo(30L);
        assertThat(server.getAttribute(name, "Site")).isEqualTo("east");

        metrics.close();
        assertThat(server.isRegistered(name)).isFalse();
    }
}
