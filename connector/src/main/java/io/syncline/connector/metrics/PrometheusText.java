package io.syncline.connector.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.management.Attribute;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

/**
 * The Syncline task MBeans of one JVM in the Prometheus text exposition format (version 0.0.4),
 * named by Prometheus conventions: {@code syncline_<context>_<figure>}, counters ending in
 * {@code _total}, durations in seconds, one series per task with the labels {@code connector},
 * {@code task}, {@code group} and {@code site}, and per-type, per-rule and per-origin figures as a
 * label of one metric. Every numeric MBean attribute is exported, so a figure added to an MBean
 * shows here without a change. Three attributes {@code <Name>HistogramBuckets} (cumulative count
 * per upper bound), {@code <Name>HistogramSum} and {@code <Name>HistogramCount} are one Prometheus
 * histogram {@code syncline_<context>_<name>} with its {@code _bucket}, {@code _sum} and
 * {@code _count} series.
 *
 * <pre>{@code
 * String body = PrometheusText.render(ManagementFactory.getPlatformMBeanServer());
 * // syncline_sink_applied_total{connector="shop-a-sink",task="0",group="shop",site="a"} 1200
 * }</pre>
 */
public final class PrometheusText {

    /** Attributes that only ever grow: exported as counters. */
    private static final Set<String> COUNTERS = Set.of("Applied", "SkippedAsDuplicate", "SkippedByDotCache",
            "Conflicts", "ConflictsByType", "ConflictsByRule", "DeadLettered", "Batches", "ApplyRetries",
            "TransactionsAppliedByOrigin", "DependencyWaitsByOrigin", "Captured", "Emitted", "DroppedForeign",
            "ConflictsPublished");

    /** Attributes that repeat another one (the per-type conflict counts are ConflictsByType). */
    private static final Set<String> LEFT_OUT = Set.of("ConflictsInsertInsert", "ConflictsUpdateUpdate",
            "ConflictsUpdateDelete", "ConflictsDeleteDelete", "ConflictsForeignKey");

    /** The label a map attribute's keys become. */
    private static final Map<String, String> MAP_LABELS = Map.of("ByType", "type", "ByRule", "rule",
            "ByOrigin", "origin");

    private static final Map<String, String> HELP = Map.ofEntries(
            Map.entry("Applied", "changes applied at this site"),
            Map.entry("SkippedAsDuplicate", "changes skipped because the site already held that version or a newer one"),
            Map.entry("Conflicts", "conflicts resolved at this site"),
            Map.entry("ConflictsByType", "conflicts resolved at this site, by conflict type"),
            Map.entry("ConflictsByRule", "conflicts resolved at this site, by the rule that decided them"),
            Map.entry("DeadLettered", "changes the site refused, sent to the dead-letter topic"),
            Map.entry("Batches", "apply transactions committed"),
            Map.entry("LagMillis", "commit-to-apply lag of the newest applied change"),
            Map.entry("Captured", "row changes the capture read from the site's log"),
            Map.entry("Emitted", "change events the capture shipped"),
            Map.entry("LastCaptureLagMillis", "commit-to-capture lag of the newest captured change"),
            Map.entry("BatchSize", "records per committed apply batch"),
            Map.entry("ApplyBatchDurationSeconds", "duration of each committed apply batch's database transaction"),
            Map.entry("ApplyLagSeconds", "commit-to-apply lag of each committed batch's newest change"));

    private static final String BUCKETS = "HistogramBuckets";
    private static final String SUM = "HistogramSum";
    private static final String COUNT = "HistogramCount";

    private PrometheusText() {
    }

    /** Every Syncline task MBean registered in {@code server}, as one exposition body. */
    public static String render(MBeanServer server) {
        Map<String, Family> families = new TreeMap<>();
        Set<ObjectName> names;
        try {
            names = new TreeSet<>(server.queryNames(new ObjectName(TaskMBeanRegistration.DOMAIN + ":type="
                    + TaskMBeanRegistration.TYPE + ",*"), null));
        } catch (JMException e) {
            throw new IllegalStateException("the Syncline MBean pattern is invalid: " + e.getMessage(), e);
        }
        for (ObjectName name : names) {
            try {
                collect(server, name, families);
            } catch (JMException e) {
                // The task stopped while being read: it is left out of this scrape.
            }
        }
        StringBuilder out = new StringBuilder(4096);
        for (Family family : families.values()) {
            family.writeTo(out);
        }
        return out.toString();
    }

    private static void collect(MBeanServer server, ObjectName name, Map<String, Family> families)
            throws JMException {
        String context = name.getKeyProperty("context");
        Map<String, String> labels = new LinkedHashMap<>();
        String connector = name.getKeyProperty("connector");
        labels.put("connector", connector.startsWith("\"") ? ObjectName.unquote(connector) : connector);
        labels.put("task", name.getKeyProperty("task"));
        List<String> wanted = new ArrayList<>();
        for (MBeanAttributeInfo info : server.getMBeanInfo(name).getAttributes()) {
            if (info.isReadable() && !LEFT_OUT.contains(info.getName())) {
                wanted.add(info.getName());
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Object attribute : server.getAttributes(name, wanted.toArray(new String[0]))) {
            Attribute a = (Attribute) attribute;
            values.put(a.getName(), a.getValue());
        }
        if (values.get("SyncGroup") instanceof String group) {
            labels.put("group", group);
        }
        if (values.get("Site") instanceof String site) {
            labels.put("site", site);
        }
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            String attribute = entry.getKey();
            Object value = entry.getValue();
            if (attribute.endsWith(BUCKETS) && value instanceof TabularData table) {
                String base = attribute.substring(0, attribute.length() - BUCKETS.length());
                Family family = families.computeIfAbsent("syncline_" + context + "_" + snake(base),
                        m -> new Family(m, "histogram", HELP.getOrDefault(base, snake(base).replace('_', ' ')), false));
                family.addHistogram(labels, buckets(table), (Number) values.get(base + SUM),
                        (Number) values.get(base + COUNT));
            } else if (attribute.endsWith(SUM) || attribute.endsWith(COUNT)) {
                continue; // written with its buckets
            } else if (value instanceof Number number) {
                family(families, context, attribute, null).add(labels, null, null, number);
            } else if (value instanceof TabularData table) {
                String base = attribute;
                String label = "key";
                for (Map.Entry<String, String> suffix : MAP_LABELS.entrySet()) {
                    if (attribute.endsWith(suffix.getKey())) {
                        base = attribute.substring(0, attribute.length() - suffix.getKey().length());
                        label = suffix.getValue();
                    }
                }
                Family family = family(families, context, base, attribute);
                for (CompositeData row : rows(table.values())) {
                    if (row.get("value") instanceof Number number) {
                        family.add(labels, label, String.valueOf(row.get("key")), number);
                    }
                }
            }
        }
    }

    /** The buckets by ascending upper bound, {@code +Inf} last. */
    private static Map<String, Number> buckets(TabularData table) {
        Map<Double, Map.Entry<String, Number>> byBound = new TreeMap<>();
        for (CompositeData row : rows(table.values())) {
            String bound = String.valueOf(row.get("key"));
            double sortKey = Histogram.INFINITY.equals(bound) ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            byBound.put(sortKey, Map.entry(bound, (Number) row.get("value")));
        }
        Map<String, Number> out = new LinkedHashMap<>();
        byBound.values().forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static List<CompositeData> rows(Collection<?> values) {
        List<CompositeData> rows = new ArrayList<>();
        for (Object value : values) {
            rows.add((CompositeData) value);
        }
        return rows;
    }

    private static Family family(Map<String, Family> families, String context, String base, String attribute) {
        String key = attribute == null ? base : attribute;
        boolean counter = COUNTERS.contains(key);
        boolean millis = base.endsWith("Millis") && !base.endsWith("TimeMillis");
        boolean timestamp = base.endsWith("TimeMillis");
        String stem = millis ? base.substring(0, base.length() - "Millis".length()) + "Seconds"
                : timestamp ? base.substring(0, base.length() - "Millis".length()) + "Seconds" : base;
        String metric = "syncline_" + context + "_" + snake(stem) + (counter ? "_total" : "");
        return families.computeIfAbsent(metric, m -> new Family(m, counter ? "counter" : "gauge",
                HELP.getOrDefault(key, snake(stem).replace('_', ' ') + (attribute == null ? "" : ", by "
                        + snake(attribute.substring(attribute.lastIndexOf("By") + 2)))), millis || timestamp));
    }

    /**
     * Gauges that are not MBean attributes (what a site's database says), written in the same
     * format: one HELP and TYPE per metric, then its samples in the order added.
     *
     * <pre>{@code
     * String text = new PrometheusText.Gauges()
     *         .add("syncline_site_up", "whether the site's database answered", Map.of("site", "a"), 1)
     *         .render();
     * }</pre>
     */
    public static final class Gauges {
        private final Map<String, Family> families = new TreeMap<>();

        /** Adds one sample of gauge {@code metric}; the first sample's {@code help} is the metric's. */
        public Gauges add(String metric, String help, Map<String, String> labels, Number value) {
            families.computeIfAbsent(metric, m -> new Family(m, "gauge", help, false))
                    .add(labels, null, null, value);
            return this;
        }

        /** The samples added, as an exposition body; empty without any. */
        public String render() {
            StringBuilder out = new StringBuilder();
            families.values().forEach(family -> family.writeTo(out));
            return out.toString();
        }
    }

    /** {@code SkippedAsDuplicate} to {@code skipped_as_duplicate}. */
    static String snake(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 8);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                out.append('_');
            }
            out.append(Character.toLowerCase(c));
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    /** One metric: its TYPE and HELP once, then a sample per label set. */
    private static final class Family {
        private final String name;
        private final String type;
        private final String help;
        private final boolean fromMillis;
        private final StringBuilder samples = new StringBuilder();

        Family(String name, String type, String help, boolean fromMillis) {
            this.name = name;
            this.type = type;
            this.help = help;
            this.fromMillis = fromMillis;
        }

        void add(Map<String, String> labels, String extraLabel, String extraValue, Number value) {
            sample(name, labels, extraLabel, extraValue, format(value));
        }

        void addHistogram(Map<String, String> labels, Map<String, Number> buckets, Number sum, Number count) {
            for (Map.Entry<String, Number> bucket : buckets.entrySet()) {
                sample(name + "_bucket", labels, "le", bucket.getKey(), Long.toString(bucket.getValue().longValue()));
            }
            double total = sum == null ? Double.NaN : sum.doubleValue();
            sample(name + "_sum", labels, null, null, Double.isNaN(total) ? "NaN" : Double.toString(total));
            sample(name + "_count", labels, null, null, Long.toString(count == null ? 0 : count.longValue()));
        }

        private void sample(String series, Map<String, String> labels, String extraLabel, String extraValue,
                String value) {
            samples.append(series).append('{');
            boolean first = true;
            for (Map.Entry<String, String> label : labels.entrySet()) {
                first = appendLabel(samples, first, label.getKey(), label.getValue());
            }
            if (extraLabel != null) {
                appendLabel(samples, first, extraLabel, extraValue);
            }
            samples.append("} ").append(value).append('\n');
        }

        private String format(Number value) {
            if (fromMillis) {
                double millis = value.doubleValue();
                // -1 means unknown in the MBeans; Prometheus has NaN for that.
                return millis < 0 || Double.isNaN(millis) ? "NaN" : Double.toString(millis / 1000.0);
            }
            if (value instanceof Double || value instanceof Float) {
                double d = value.doubleValue();
                return Double.isNaN(d) ? "NaN" : Double.toString(d);
            }
            return Long.toString(value.longValue());
        }

        void writeTo(StringBuilder out) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
            out.append(samples);
        }

        private static boolean appendLabel(StringBuilder out, boolean first, String name, String value) {
            if (!first) {
                out.append(',');
            }
            out.append(name).append("=\"");
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '\\' -> out.append("\\\\");
                    case '"' -> out.append("\\\"");
                    case '\n' -> out.append("\\n");
                    default -> out.append(c);
                }
            }
            out.append('"');
            return false;
        }
    }
}
