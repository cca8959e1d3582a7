package io.syncline.connector.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The task MBeans of one connector in an MBean server, added up: counters and rates are summed,
 * lags and latencies take the largest task value. Reads attributes by name only, so it works
 * whichever class loader registered the MBeans.
 *
 * <pre>{@code
 * Optional<Map<String, Object>> sink = ConnectorMetrics.read(ManagementFactory.getPlatformMBeanServer(),
 *         SinkTaskMetrics.CONTEXT, "orders-east-sink");
 * sink.ifPresent(m -> System.out.println(m.get("applied") + " applied, " + m.get("eventsPerSecond") + "/s"));
 * }</pre>
 */
public final class ConnectorMetrics {

    private static final Map<String, String> SINK_SUMS = attributes(
            "Applied", "applied", "SkippedAsDuplicate", "skippedAsDuplicate", "Conflicts", "conflicts",
            "DeadLettered", "deadLettered", "Batches", "batches");
    private static final Map<String, String> SINK_MAXIMA = attributes(
            "LagMillis", "lagMillis", "ApplyBatchLatencyMaxMillis", "applyBatchLatencyMaxMillis",
            "LastBatchTimeMillis", "lastBatchTimeMillis");
    private static final Map<String, String> SOURCE_SUMS = attributes(
            "Captured", "captured", "Emitted", "emitted", "DroppedForeign", "droppedForeign",
            "ConflictsPublished", "conflictsPublished");
    private static final Map<String, String> SOURCE_MAXIMA = attributes(
            "LastCaptureLagMillis", "lagMillis");

    private ConnectorMetrics() {
    }

    /**
     * The summed metrics of every task of {@code connector} registered in {@code server} under
     * {@code context} ({@code sink} or {@code source}); empty when no task of it runs in this JVM.
     * Keys: {@code tasks}, {@code eventsPerSecond} and, for a sink, {@code applied},
     * {@code skippedAsDuplicate}, {@code conflicts}, {@code deadLettered}, {@code batches},
     * {@code lagMillis}, {@code applyBatchLatencyMaxMillis}, {@code lastBatchTimeMillis}; for a source
     * {@code captured}, {@code emitted}, {@code droppedForeign}, {@code conflictsPublished},
     * {@code lagMillis}. A lag is -1 while unknown.
     */
    public static Optional<Map<String, Object>> read(MBeanServer server, String context, String connector) {
        boolean sink = SinkTaskMetrics.CONTEXT.equals(context);
        if (!sink && !SourceTaskMetrics.CONTEXT.equals(context)) {
            throw new IllegalArgumentException("context was '" + context + "', must be sink or source");
        }
        Set<ObjectName> names = server.queryNames(TaskMBeanRegistration.name(context, connector, "*"), null);
        if (names.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> sums = sink ? SINK_SUMS : SOURCE_SUMS;
        Map<String, String> maxima = sink ? SINK_MAXIMA : SOURCE_MAXIMA;
        Map<String, Object> out = new LinkedHashMap<>();
        long tasks = 0;
        double perSecond = 0;
        Map<String, Long> summed = new LinkedHashMap<>();
        Map<String, Long> largest = new LinkedHashMap<>();
        for (ObjectName name : names) {
            Map<String, Long> taskSums = new LinkedHashMap<>();
            Map<String, Long> taskMaxima = new LinkedHashMap<>();
            double taskRate;
            try {
                for (String attribute : sums.keySet()) {
                    taskSums.put(attribute, number(server.getAttribute(name, attribute)));
                }
                for (String attribute : maxima.keySet()) {
                    taskMaxima.put(attribute, number(server.getAttribute(name, attribute)));
                }
                Object rate = server.getAttribute(name, "EventsPerSecond");
                taskRate = rate instanceof Number n ? n.doubleValue() : 0;
            } catch (JMException e) {
                // The task stopped while it was read; it no longer counts.
                continue;
            }
            taskSums.forEach((attribute, value) -> summed.merge(attribute, value, Long::sum));
            taskMaxima.forEach((attribute, value) -> largest.merge(attribute, value, Math::max));
            perSecond += taskRate;
            tasks++;
        }
        if (tasks == 0) {
            return Optional.empty();
        }
        out.put("tasks", tasks);
        sums.forEach((attribute, key) -> out.put(key, summed.getOrDefault(attribute, 0L)));
        maxima.forEach((attribute, key) -> out.put(key, largest.getOrDefault(attribute, -1L)));
        out.put("eventsPerSecond", Math.round(perSecond * 100) / 100.0);
        return Optional.of(out);
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    private static Map<String, String> attributes(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
