package io.syncline.connector.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

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
            "DeadLettered", "deadLettered", "Batches", "batches", "ApplyRetries", "applyRetries",
            "PartitionsWaitingForDependencies", "partitionsWaitingForDependencies", "RecordsHeld", "recordsHeld");
    private static final Map<String, String> SINK_MAXIMA = attributes(
            "LagMillis", "lagMillis", "ApplyBatchLatencyMaxMillis", "applyBatchLatencyMaxMillis",
            "LastBatchTimeMillis", "lastBatchTimeMillis");
    private static final Map<String, String> SOURCE_SUMS = attributes(
            "Captured", "captured", "Emitted", "emitted", "DroppedForeign", "droppedForeign",
            "ConflictsPublished", "conflictsPublished");
    private static final Map<String, String> SOURCE_MAXIMA = attributes(
            "LastCaptureLagMillis", "lagMillis");

    /** Per-origin sink attributes (MXBean maps): summed over tasks, or their largest value. */
    private static final Map<String, String> SINK_ORIGIN_SUMS = attributes(
            "TransactionsAppliedByOrigin", "transactionsApplied", "DependencyWaitsByOrigin", "dependencyWaits");
    private static final Map<String, String> SINK_ORIGIN_MAXIMA = attributes(
            "AppliedCommitTimeMillisByOrigin", "appliedCommitTimeMillis",
            "DependencyWaitMaxMillisByOrigin", "dependencyWaitMaxMillis",
            "DependencyWaitLastMillisByOrigin", "dependencyWaitLastMillis");

    private ConnectorMetrics() {
    }

    /**
     * The summed metrics of every task of {@code connector} registered in {@code server} under
     * {@code context} ({@code sink} or {@code source}); empty when no task of it runs in this JVM.
     * Keys: {@code tasks}, {@code eventsPerSecond} and, for a sink, {@code applied},
     * {@code skippedAsDuplicate}, {@code conflicts}, {@code deadLettered}, {@code batches}, {@code applyRetries},
     * {@code partitionsWaitingForDependencies}, {@code recordsHeld},
     * {@code lagMillis}, {@code applyBatchLatencyMaxMillis}, {@code lastBatchTimeMillis}, {@code origins}
     * (per origin site: {@code transactionsApplied}, {@code appliedCommitTimeMillis},
     * {@code dependencyWaits}, {@code dependencyWaitMaxMillis}, {@code dependencyWaitLastMillis}); for a source
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
        Map<String, Map<String, Long>> origins = new TreeMap<>();
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
                if (sink) {
                    readOrigins(server, name, origins);
                }
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
        if (sink) {
            out.put("origins", origins);
        }
        return Optional.of(out);
    }

    /**
     * Adds one task's per-origin figures: transactions applied, the applied position (source commit
     * time of the newest applied transaction), and waits for dependencies.
     */
    private static void readOrigins(MBeanServer server, ObjectName name, Map<String, Map<String, Long>> origins)
            throws JMException {
        for (Map.Entry<String, String> attribute : SINK_ORIGIN_SUMS.entrySet()) {
            tabular(server.getAttribute(name, attribute.getKey())).forEach((origin, value) -> origins
                    .computeIfAbsent(origin, o -> new LinkedHashMap<>()).merge(attribute.getValue(), value, Long::sum));
        }
        for (Map.Entry<String, String> attribute : SINK_ORIGIN_MAXIMA.entrySet()) {
            tabular(server.getAttribute(name, attribute.getKey())).forEach((origin, value) -> origins
                    .computeIfAbsent(origin, o -> new LinkedHashMap<>()).merge(attribute.getValue(), value, Math::max));
        }
    }

    /** An MXBean's {@code Map<String, Long>} attribute, which JMX hands out as tabular data. */
    private static Map<String, Long> tabular(Object value) {
        Map<String, Long> map = new LinkedHashMap<>();
        if (value instanceof TabularData table) {
            for (Object row : table.values()) {
                CompositeData entry = (CompositeData) row;
                map.put(String.valueOf(entry.get("key")), number(entry.get("value")));
            }
        } else if (value instanceof Map<?, ?> plain) {
            plain.forEach((k, v) -> map.put(String.valueOf(k), number(v)));
        }
        return map;
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
