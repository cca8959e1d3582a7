package io.syncline.connector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.apply.ApplyResult;
import java.time.Clock;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();

    @Test
    void everyTaskIsOneSeriesPerFigureNamedByPrometheusConventions() {
        SinkTaskMetrics sink = SinkTaskMetrics.register(server, "shop-a-sink",
                new SinkTaskMetrics("shop", "a", Clock.systemUTC(), System::nanoTime));
        sink.batchApplied(new ApplyResult(7, 2, 0), List.of(), List.of(), 9, sink.batchStarted());
        sink.transactionsApplied("b", 3, 1_000_000L);
        SourceTaskMetrics source = SourceTaskMetrics.register(server, "shop \"a\" source",
                new SourceTaskMetrics("shop", "a", Clock.systemUTC(), System::nanoTime));
        source.captured(4);

        String text = PrometheusText.render(server);

        assertThat(text).contains("# TYPE syncline_sink_applied_total counter\n")
                .contains("syncline_sink_applied_total{connector=\"shop-a-sink\",task=\"0\",group=\"shop\","
                        + "site=\"a\"} 7\n")
                .contains("syncline_sink_skipped_as_duplicate_total{connector=\"shop-a-sink\",task=\"0\","
                        + "group=\"shop\",site=\"a\"} 2\n")
                .contains("syncline_sink_transactions_applied_total{connector=\"shop-a-sink\",task=\"0\","
                        + "group=\"shop\",site=\"a\",origin=\"b\"} 3\n")
                .contains("# TYPE syncline_sink_lag_seconds gauge\n")
                .contains("syncline_sink_lag_seconds{connector=\"shop-a-sink\",task=\"0\",group=\"shop\",site=\"a\"} ")
                .contains("syncline_source_captured_total{connector=\"shop \\\"a\\\" source\",task=\"0\","
                        + "group=\"shop\",site=\"a\"} 4\n")
                .doesNotContain("conflicts_insert_insert")
                .doesNotContain("millis");
        // Each family's HELP and TYPE appear once, before its samples.
        assertThat(text.split("# TYPE syncline_sink_applied_total ", -1)).hasSize(2);
        for (String line : text.split("\n")) {
            assertThat(line).matches("# (HELP|TYPE) syncline_[a-z_]+ .+|syncline_[a-z_]+\\{.*\\} (NaN|-?[0-9.]+(E-?[0-9]+)?)");
        }
    }

    @Test
    void theBatchFiguresAreHistogramsWithCumulativeBucketsSumAndCount() {
        SinkTaskMetrics sink = SinkTaskMetrics.register(server, "shop-a-sink",
                new SinkTaskMetrics("shop", "a", Clock.systemUTC(), System::nanoTime));
        sink.batchApplied(new ApplyResult(3, 0, 0), List.of(), List.of(), 3, sink.batchStarted());
        sink.batchApplied(new ApplyResult(100, 0, 0), List.of(), List.of(), 100, sink.batchStarted());

        String text = PrometheusText.render(server);

        String labels = "connector=\"shop-a-sink\",task=\"0\",group=\"shop\",site=\"a\"";
        assertThat(text).contains("# TYPE syncline_sink_batch_size histogram\n")
                .contains("syncline_sink_batch_size_bucket{" + labels + ",le=\"1\"} 0\n")
                .contains("syncline_sink_batch_size_bucket{" + labels + ",le=\"4\"} 1\n")
                .contains("syncline_sink_batch_size_bucket{" + labels + ",le=\"64\"} 1\n")
                .contains("syncline_sink_batch_size_bucket{" + labels + ",le=\"256\"} 2\n")
                .contains("syncline_sink_batch_size_bucket{" + labels + ",le=\"+Inf\"} 2\n")
                .contains("syncline_sink_batch_size_sum{" + labels + "} 103.0\n")
                .contains("syncline_sink_batch_size_count{" + labels + "} 2\n")
                .contains("# TYPE syncline_sink_apply_batch_duration_seconds histogram\n")
                .contains("syncline_sink_apply_batch_duration_seconds_count{" + labels + "} 2\n")
                .doesNotContain("histogram_sum")
                .doesNotContain("histogram_count");
        // Buckets ascend, +Inf last, so a parser sees them in order.
        List<String> bounds = text.lines().filter(l -> l.startsWith("syncline_sink_batch_size_bucket"))
                .map(l -> l.substring(l.indexOf("le=\"") + 4, l.lastIndexOf('"'))).toList();
        assertThat(bounds).containsExactly("1", "4", "16", "64", "256", "1024", "4096", "16384", "+Inf");
    }

    @Test
    void noTasksNoSamples() {
        assertThat(PrometheusText.render(server)).isEmpty();
    }

    @Test
    void camelCaseBecomesSnakeCase() {
        assertThat(PrometheusText.snake("SkippedAsDuplicate")).isEqualTo("skipped_as_duplicate");
        assertThat(PrometheusText.snake("LagSeconds")).isEqualTo("lag_seconds");
    }
}
