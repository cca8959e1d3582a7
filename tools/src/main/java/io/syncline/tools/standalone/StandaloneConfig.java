package io.syncline.tools.standalone;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.connector.config.SynclineConnectorConfig;
import io.syncline.connector.config.SynclineSinkConnectorConfig;
import io.syncline.connector.config.SynclineSourceConnectorConfig;
import io.syncline.core.SiteId;
import io.syncline.core.SyncGroupNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The site file of {@code syncline run}: how to reach Kafka, the site's source and sink settings
 * (the same keys as the connector configs), and where the capture keeps its offsets. Keys shared
 * by both sides may be written once under {@code "site"}; a key under {@code "source"} or
 * {@code "sink"} wins over it. Connect-only keys of a pasted connector config ({@code tasks.max},
 * {@code topics}, the converters, ...) are ignored.
 *
 * <pre>{@code
 * {"kafka": "kafka-1:9092",
 *  "site": {"sync.group": "orders", "site.id": "east", "table.include.list": "public.orders",
 *           "database.hostname": "db-east", "database.user": "syncline", "database.password": "...",
 *           "database.dbname": "shop"},
 *  "source": {"poll.interval.ms": "50"},
 *  "sink": {"conflict.resolver": "last-writer-wins"},
 *  "offsets": {"file": "east.offsets"}}
 *
 * StandaloneConfig config = StandaloneConfig.load(Path.of("east.json"));
 * }</pre>
 *
 * <p>{@code "kafka"} is either the bootstrap servers or an object of Kafka client settings
 * ({@code bootstrap.servers}, {@code security.protocol}, {@code sasl.*}, ...) used by every
 * producer, consumer and admin client of the site. {@code "offsets"} is {@code {"file": path}}
 * (relative to the site file) or {@code {"topic": name, "replication.factor": n}}, each with an
 * optional {@code "flush.interval.ms"} (default 5000); without it, the offsets go to
 * {@code syncline-<group>-<site>.offsets} next to the site file. {@link #toString()} never shows a
 * password.
 */
public final class StandaloneConfig {

    static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(5);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP_LEVEL = Set.of("kafka", "site", "source", "sink", "offsets");
    private static final Set<String> OFFSET_KEYS = Set.of("file", "topic", "replication.factor", "flush.interval.ms");
    private static final String SOURCE_CLASS = "io.syncline.connector.source.SynclineSourceConnector";
    private static final String SINK_CLASS = "io.syncline.connector.sink.SynclineSinkConnector";

    private final Map<String, String> kafka;
    private final Map<String, String> source;
    private final Map<String, String> sink;
    private final SynclineSourceConnectorConfig sourceConfig;
    private final SynclineSinkConnectorConfig sinkConfig;
    private final OffsetStorage offsets;

    private StandaloneConfig(Map<String, String> kafka, Map<String, String> source, Map<String, String> sink,
            OffsetStorage offsets) {
        this.kafka = Collections.unmodifiableMap(new LinkedHashMap<>(kafka));
        this.source = Collections.unmodifiableMap(new LinkedHashMap<>(source));
        this.sink = Collections.unmodifiableMap(new LinkedHashMap<>(sink));
        this.sourceConfig = new SynclineSourceConnectorConfig(source);
        this.sinkConfig = new SynclineSinkConnectorConfig(sink);
        this.offsets = offsets;
    }

    /**
     * Reads and checks a site file.
     *
     * @throws StandaloneConfigException with every problem, when the file cannot be read or is not valid
     */
    public static StandaloneConfig load(Path file) {
        String json;
        try {
            json = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new StandaloneConfigException(file.toString(), List.of("does not exist"));
        } catch (IOException e) {
            throw new StandaloneConfigException(file.toString(), List.of("cannot be read: " + e.getMessage()));
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(json, file.toString(), dir == null ? Path.of(".") : dir);
    }

    /**
     * Checks the JSON of a site file; relative offset file paths are taken from {@code baseDir}.
     *
     * @param origin names the JSON in messages, e.g. its file name
     * @throws StandaloneConfigException with every problem found
     */
    public static StandaloneConfig parse(String json, String origin, Path baseDir) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new StandaloneConfigException(origin, List.of("is not JSON: " + e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new StandaloneConfigException(origin, List.of("must be a JSON object with \"kafka\", \"source\", "
                    + "\"sink\" (or \"site\") and optionally \"offsets\""));
        }
        List<String> problems = new ArrayList<>();
        root.fieldNames().forEachRemaining(name -> {
            if (!TOP_LEVEL.contains(name)) {
                problems.add("unknown key \"" + name + "\"; a site file has " + String.join(", ", sorted(TOP_LEVEL)));
            }
        });
        Map<String, String> kafka = kafka(root.get("kafka"), problems);
        Map<String, String> shared = section(root, "site", problems);
        Map<String, String> sourceOwn = section(root, "source", problems);
        Map<String, String> sinkOwn = section(root, "sink", problems);
        if (!root.has("source") && !root.has("sink") && !root.has("site")) {
            problems.add("\"source\" and \"sink\" (or the shared \"site\") are missing: they hold the site's "
                    + "connector settings (sync.group, site.id, table.include.list, database.*)");
        }
        for (String key : List.of("transforms", "predicates")) {
            if (sourceOwn.containsKey(key) || shared.containsKey(key)) {
                // The task matches acknowledgements to the records it emitted by identity; an SMT replaces them.
                problems.add("source." + key + " is not supported: the capture's change events go to Kafka as "
                        + "the source task emits them");
            }
        }
        checkConnectorClass("source", sourceOwn, SOURCE_CLASS, problems);
        checkConnectorClass("sink", sinkOwn, SINK_CLASS, problems);
        Map<String, String> source = merged(shared, sourceOwn);
        Map<String, String> sink = merged(shared, sinkOwn);

        Set<String> fieldProblems = new LinkedHashSet<>();
        validate("source", SynclineSourceConnectorConfig.CONFIG_DEF, source, shared, sourceOwn, fieldProblems);
        validate("sink", SynclineSinkConnectorConfig.CONFIG_DEF, sink, shared, sinkOwn, fieldProblems);
        problems.addAll(fieldProblems);
        for (String key : List.of(SynclineConnectorConfig.SYNC_GROUP, SynclineConnectorConfig.SITE_ID)) {
            String a = source.get(key);
            String b = sink.get(key);
            if (a != null && b != null && !a.equals(b)) {
                problems.add("source." + key + " was '" + a + "' but sink." + key + " was '" + b
                        + "': one site file runs one site of one group");
            }
        }
        if (!problems.isEmpty()) {
            throw new StandaloneConfigException(origin, problems);
        }

        SynclineSinkConnectorConfig sinkConfig = new SynclineSinkConnectorConfig(sink);
        try {
            sinkConfig.resolvers();
        } catch (IllegalArgumentException e) {
            problems.add(label("sink", SynclineSinkConnectorConfig.CONFLICT_RESOLVER, shared, sinkOwn) + ": "
                    + e.getMessage());
        }
        SyncGroupNames names = sinkConfig.names();
        String site = sinkConfig.siteId().value();
        source.putIfAbsent("name", names.sourceConnector(site));
        sink.putIfAbsent("name", names.sinkConnector(site));
        sink.put(SynclineSinkConnectorConfig.CONSUMER_NAME, sink.get("name"));
        OffsetStorage offsets = offsets(root.get("offsets"), baseDir, names.offsetsFile(site), problems);
        if (!problems.isEmpty()) {
            throw new StandaloneConfigException(origin, problems);
        }
        return new StandaloneConfig(kafka, source, sink, offsets);
    }

    private static Map<String, String> kafka(JsonNode node, List<String> problems) {
        Map<String, String> kafka = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            problems.add("\"kafka\" is missing: give the bootstrap servers (\"kafka\": \"host:9092\") or an object "
                    + "of Kafka client settings with bootstrap.servers");
        } else if (node.isTextual()) {
            kafka.put("bootstrap.servers", node.asText());
        } else if (node.isObject()) {
            kafka.putAll(scalars("kafka", node, problems));
        } else {
            problems.add("kafka was " + node.getNodeType() + ", must be \"host:port,...\" or an object of Kafka "
                    + "client settings");
        }
        if (node != null && (node.isTextual() || node.isObject())
                && kafka.getOrDefault("bootstrap.servers", "").isBlank()) {
            problems.add("kafka.bootstrap.servers is missing or blank, must be host:port[,host:port...]");
        }
        return kafka;
    }

    private static Map<String, String> section(JsonNode root, String name, List<String> problems) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return new LinkedHashMap<>();
        }
        if (!node.isObject()) {
            problems.add(name + " was " + node.getNodeType() + ", must be an object of connector settings");
            return new LinkedHashMap<>();
        }
        return scalars(name, node, problems);
    }

    private static Map<String, String> scalars(String section, JsonNode node, List<String> problems) {
        Map<String, String> values = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (value.isContainerNode()) {
                problems.add(section + "." + field.getKey() + " was " + value.getNodeType()
                        + ", must be a string, number or boolean");
            } else if (!value.isNull()) {
                values.put(field.getKey(), value.asText());
            }
        }
        return values;
    }

    private static void checkConnectorClass(String section, Map<String, String> own, String expected,
            List<String> problems) {
        String given = own.get("connector.class");
        if (given != null && !given.equals(expected)) {
            problems.add(section + ".connector.class was " + given + ", must be " + expected + " (or left out)");
        }
    }

    private static Map<String, String> merged(Map<String, String> shared, Map<String, String> own) {
        Map<String, String> all = new LinkedHashMap<>(shared);
        all.putAll(own);
        return all;
    }

    private static void validate(String section, ConfigDef def, Map<String, String> props, Map<String, String> shared,
            Map<String, String> own, Set<String> problems) {
        for (ConfigValue value : def.validate(props)) {
            // A missing key also fails its validator ("Invalid value null"); its first message says enough.
            List<String> messages = props.containsKey(value.name()) || value.errorMessages().isEmpty()
                    ? value.errorMessages() : value.errorMessages().subList(0, 1);
            for (String message : messages) {
                String where = label(section, value.name(), shared, own);
                problems.add(where + ": " + message.replace("Missing required configuration \"" + value.name()
                        + "\" which has no default value.", "is missing (no default)"
                        + (where.equals(value.name()) ? "; put it under \"site\", or under \"source\" and \"sink\"" : "")));
            }
        }
    }

    /**
     * Where a key came from, so the message points at the line to fix; a shared key missing on both
     * sides is named once, without a section.
     */
    private static String label(String section, String key, Map<String, String> shared, Map<String, String> own) {
        if (own.containsKey(key)) {
            return section + "." + key;
        }
        if (shared.containsKey(key)) {
            return "site." + key;
        }
        boolean common = SynclineSourceConnectorConfig.CONFIG_DEF.names().contains(key)
                && SynclineSinkConnectorConfig.CONFIG_DEF.names().contains(key);
        return common ? key : section + "." + key;
    }

    private static OffsetStorage offsets(JsonNode node, Path baseDir, String defaultFile, List<String> problems) {
        if (node == null || node.isNull()) {
            return OffsetStorage.file(baseDir.resolve(defaultFile), DEFAULT_FLUSH_INTERVAL);
        }
        if (!node.isObject()) {
            problems.add("offsets was " + node.getNodeType() + ", must be {\"file\": path} or {\"topic\": name}");
            return null;
        }
        Map<String, String> values = scalars("offsets", node, problems);
        for (String key : values.keySet()) {
            if (!OFFSET_KEYS.contains(key)) {
                problems.add("unknown key offsets." + key + "; offsets has " + String.join(", ", sorted(OFFSET_KEYS)));
            }
        }
        Duration flush = DEFAULT_FLUSH_INTERVAL;
        long flushMs = number(values, "flush.interval.ms", DEFAULT_FLUSH_INTERVAL.toMillis(), 1, 3_600_000, problems);
        if (flushMs > 0) {
            flush = Duration.ofMillis(flushMs);
        }
        boolean file = values.containsKey("file");
        boolean topic = values.containsKey("topic");
        if (file == topic) {
            problems.add("offsets needs exactly one of \"file\" (a path) or \"topic\" (a Kafka topic)");
            return null;
        }
        try {
            if (file) {
                if (values.get("file").isBlank()) {
                    problems.add("offsets.file was blank, must be a path");
                    return null;
                }
                return OffsetStorage.file(baseDir.resolve(values.get("file")), flush);
            }
            long replicas = number(values, "replication.factor", -1, -1, Short.MAX_VALUE, problems);
            return OffsetStorage.topic(values.get("topic"), (short) replicas, flush);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private static long number(Map<String, String> values, String key, long fallback, long min, long max,
            List<String> problems) {
        String raw = values.get(key);
        if (raw == null) {
            return fallback;
        }
        try {
            long v = Long.parseLong(raw.trim());
            if (v < min || v > max) {
                problems.add("offsets." + key + " was " + raw + ", must be between " + min + " and " + max);
                return fallback;
            }
            return v;
        } catch (NumberFormatException e) {
            problems.add("offsets." + key + " was '" + raw + "', must be a whole number");
            return fallback;
        }
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    /** The sync group, e.g. {@code orders}. */
    public String syncGroup() {
        return sinkConfig.syncGroup();
    }

    public SiteId siteId() {
        return sinkConfig.siteId();
    }

    /** {@code <group>.changes}: what the capture writes and the apply reads. */
    public String changesTopic() {
        return sinkConfig.changesTopic();
    }

    public String conflictsTopic() {
        return sinkConfig.conflictsTopic();
    }

    public String bootstrapServers() {
        return kafka.get("bootstrap.servers");
    }

    /** The capture's name: Debezium's connector name, the key of its offsets. */
    public String sourceName() {
        return source.get("name");
    }

    /** The apply's name: the consumer name its offsets are stored under in the site's database. */
    public String sinkName() {
        return sink.get("name");
    }

    public SynclineSourceConnectorConfig source() {
        return sourceConfig;
    }

    public SynclineSinkConnectorConfig sink() {
        return sinkConfig;
    }

    public OffsetStorage offsets() {
        return offsets;
    }

    /** Kafka client settings shared by the site's producers, consumer and admin client. */
    Properties kafkaClient() {
        Properties props = new Properties();
        props.putAll(kafka);
        return props;
    }

    /** The settings the source connector is started with. */
    Map<String, String> sourceProperties() {
        return new LinkedHashMap<>(source);
    }

    /** The settings the sink task is started with. */
    Map<String, String> sinkProperties() {
        return new LinkedHashMap<>(sink);
    }

    /** A sink setting Connect's runtime would read (errors.*), or the fallback. */
    String sinkSetting(String key, String fallback) {
        return sink.getOrDefault(key, fallback);
    }

    /** The changes topic's partition count to create it with; empty for the broker default. */
    int changesPartitions() {
        String raw = source.get("topic.creation.default.partitions");
        try {
            return raw == null ? -1 : Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    short changesReplicationFactor() {
        String raw = source.get("topic.creation.default.replication.factor");
        try {
            return raw == null ? -1 : Short.parseShort(raw.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return "site " + siteId() + " of group " + syncGroup() + " (database " + sinkConfig.user() + "@"
                + sinkConfig.jdbcUrl() + ", " + sinkConfig.tables().size() + " tables, kafka " + bootstrapServers()
                + ", offsets in " + offsets + ")";
    }
}
