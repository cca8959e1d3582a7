package io.syncline.tools.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandaloneConfigTest {

    private static final Path BASE = Path.of("/etc/syncline");

    private static final String SITE = """
            "sync.group": "orders", "site.id": "east", "table.include.list": "public.orders",
            "database.hostname": "db-east", "database.port": 5433, "database.user": "syncline",
            "database.password": "s3cret", "database.dbname": "shop"
            """;

    private static StandaloneConfig parse(String json) {
        return StandaloneConfig.parse(json, "east.json", BASE);
    }

    private static String problemsOf(String json) {
        try {
            parse(json);
        } catch (StandaloneConfigException e) {
            return String.join("\n", e.problems());
        }
        throw new AssertionError("expected the site file to be refused: " + json);
    }

    @Test
    void readsTheShapeWithSourceAndSinkSections() {
        StandaloneConfig config = parse("""
                {"kafka": "k1:9092,k2:9092",
                 "source": {%s, "poll.interval.ms": "20"},
                 "sink": {%s, "apply.ledger.enabled": true},
                 "offsets": {"file": "east.offsets"}}""".formatted(SITE, SITE));

        assertThat(config.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(config.syncGroup()).isEqualTo("orders");
        assertThat(config.siteId().value()).isEqualTo("east");
        assertThat(config.changesTopic()).isEqualTo("orders.changes");
        assertThat(config.source().pollInterval()).isEqualTo(Duration.ofMillis(20));
        assertThat(config.source().port()).isEqualTo(5433);
        assertThat(config.sink().ledgerEnabled()).isTrue();
        assertThat(config.offsets().kind()).isEqualTo(OffsetStorage.Kind.FILE);
        assertThat(config.offsets().file()).isEqualTo(BASE.resolve("east.offsets"));
        assertThat(config.offsets().flushInterval()).isEqualTo(StandaloneConfig.DEFAULT_FLUSH_INTERVAL);
    }

    @Test
    void namesTheCaptureAndTheApplyAsTheConnectSamplesDo() {
        StandaloneConfig config = parse("""
                {"kafka": "k:9092", "site": {%s}}""".formatted(SITE));

        assertThat(config.sourceName()).isEqualTo("syncline-orders-east-source");
        assertThat(config.sinkName()).isEqualTo("syncline-orders-east-sink");
        assertThat(config.sink().consumerName()).isEqualTo("syncline-orders-east-sink");
        assertThat(config.sinkProperties()).containsEntry("syncline.consumer.name", "syncline-orders-east-sink");
    }

    @Test
    void sharedSiteKeysReachBothSidesAndASectionKeyWins() {
        StandaloneConfig config = parse("""
                {"kafka": "k:9092", "site": {%s},
                 "source": {"database.user": "capture", "name": "east-capture"},
                 "sink": {"conflict.resolver": "delete-wins"}}""".formatted(SITE));

        assertThat(config.source().user()).isEqualTo("capture");
        assertThat(config.sink().user()).isEqualTo("syncline");
        assertThat(config.sink().password().value()).isEqualTo("s3cret");
        assertThat(config.sourceName()).isEqualTo("east-capture");
        assertThat(config.sinkProperties()).containsEntry("conflict.resolver", "delete-wins");
    }

    @Test
    void withoutOffsetsTheCaptureKeepsThemInAFileNextToTheSiteFile() {
        StandaloneConfig config = parse("""
                {"kafka": "k:9092", "site": {%s}}""".formatted(SITE));

        assertThat(config.offsets().file()).isEqualTo(BASE.resolve("syncline-orders-east.offsets"));
    }

    @Test
    void offsetsMayLiveInAKafkaTopic() {
        StandaloneConfig config = parse("""
                {"kafka": {"bootstrap.servers": "k:9093", "security.protocol": "SSL"}, "site": {%s},
                 "offsets": {"topic": "east-offsets", "replication.factor": 3, "flush.interval.ms": 1000}}"""
                .formatted(SITE));

        assertThat(config.offsets().kind()).isEqualTo(OffsetStorage.Kind.KAFKA);
        assertThat(config.offsets().topic()).isEqualTo("east-offsets");
        assertThat(config.offsets().replicationFactor()).isEqualTo((short) 3);
        assertThat(config.offsets().engineProperties(config.bootstrapServers()))
                .containsEntry("offset.storage", TopicOffsetStore.class.getName())
                .containsEntry("offset.storage.topic", "east-offsets")
                .containsEntry("offset.storage.replication.factor", "3")
                .containsEntry("offset.flush.interval.ms", "1000")
                .containsEntry("bootstrap.servers", "k:9093");
        assertThat(config.kafkaClient()).containsEntry("security.protocol", "SSL");
    }

    @Test
    void connectOnlyKeysOfAPastedConnectorConfigAreIgnored() {
        StandaloneConfig config = parse("""
                {"kafka": "k:9092",
                 "source": {%s, "connector.class": "io.syncline.connector.source.SynclineSourceConnector",
                            "tasks.max": "1", "key.converter": "org.apache.kafka.connect.storage.StringConverter"},
                 "sink": {%s, "connector.class": "io.syncline.connector.sink.SynclineSinkConnector",
                          "topics": "orders.changes"}}""".formatted(SITE, SITE));

        assertThat(config.siteId().value()).isEqualTo("east");
    }

    @Test
    void reportsEveryProblemAtOnceNamingTheKey() {
        String problems = problemsOf("""
                {"kafka": 9092, "site": {"site.id": "East!", "database.port": 0, "table.include.list": "public.t",
                 "database.hostname": "h", "database.user": "u", "database.dbname": "d"},
                 "sink": {"apply.dedupe.cache.size": "-1"}, "typo": {}}""");

        assertThat(problems)
                .contains("unknown key \"typo\"")
                .contains("kafka was NUMBER")
                .contains("sync.group: is missing (no default); put it under \"site\"")
                .contains("site.site.id: Invalid value East!")
                .contains("site.database.port: Invalid value 0")
                .contains("sink.apply.dedupe.cache.size: Invalid value -1");
        // A shared key is reported once, not once per side; a missing key once, not also as "Invalid value null".
        assertThat(problems.split("site.database.port", -1)).hasSize(2);
        assertThat(problems).doesNotContain("Invalid value null");
    }

    @Test
    void refusesASiteFileThatMixesTwoSites() {
        String problems = problemsOf("""
                {"kafka": "k:9092", "source": {%s}, "sink": {%s, "site.id": "west"}}""".formatted(SITE, SITE));

        assertThat(problems).contains("source.site.id was 'east' but sink.site.id was 'west'");
    }

    @Test
    void refusesTheOtherSidesConnectorClass() {
        String problems = problemsOf("""
                {"kafka": "k:9092", "site": {%s},
                 "source": {"connector.class": "io.syncline.connector.sink.SynclineSinkConnector"}}"""
                .formatted(SITE));

        assertThat(problems).contains("source.connector.class was io.syncline.connector.sink.SynclineSinkConnector");
    }

    @Test
    void refusesTransformsOfTheCapture() {
        assertThat(problemsOf("""
                {"kafka": "k:9092", "site": {%s}, "source": {"transforms": "route"}}""".formatted(SITE)))
                .contains("source.transforms is not supported");
    }

    @Test
    void refusesAnUnknownResolverOnItsKey() {
        String problems = problemsOf("""
                {"kafka": "k:9092", "site": {%s}, "sink": {"conflict.resolver": "coin-toss"}}""".formatted(SITE));

        assertThat(problems).startsWith("sink.conflict.resolver: ").contains("coin-toss");
    }

    @Test
    void refusesOffsetsThatAreNeitherAFileNorATopic() {
        assertThat(problemsOf("""
                {"kafka": "k:9092", "site": {%s}, "offsets": {"file": "a", "topic": "b"}}""".formatted(SITE)))
                .contains("offsets needs exactly one of \"file\" (a path) or \"topic\" (a Kafka topic)");
        assertThat(problemsOf("""
                {"kafka": "k:9092", "site": {%s}, "offsets": {"topic": "b", "replication.factor": 0,
                 "flush.interval.ms": "soon", "dir": "x"}}""".formatted(SITE)))
                .contains("offsets.replication.factor was 0")
                .contains("offsets.flush.interval.ms was 'soon', must be a whole number")
                .contains("unknown key offsets.dir");
    }

    @Test
    void refusesWhatIsNotASiteFile() {
        assertThat(problemsOf("[1, 2]")).contains("must be a JSON object");
        assertThat(problemsOf("{\"kafka\": ")).contains("is not JSON");
        assertThat(problemsOf("{\"kafka\": {\"acks\": \"all\"}, \"site\": {%s}}".formatted(SITE)))
                .contains("kafka.bootstrap.servers is missing or blank");
        assertThat(problemsOf("{\"kafka\": \"k:9092\", \"site\": {%s, \"table.include.list\": [\"a\"]}}"
                .formatted(SITE))).contains("site.table.include.list was ARRAY");
    }

    @Test
    void neverShowsThePassword() {
        StandaloneConfig config = parse("""
                {"kafka": "k:9092", "site": {%s}}""".formatted(SITE));

        assertThat(config.toString()).contains("east", "orders", "jdbc:postgresql://db-east:5433/shop")
                .doesNotContain("s3cret");
        assertThatThrownBy(() -> parse("""
                {"kafka": "k:9092", "site": {%s, "database.port": "x"}}""".formatted(SITE)))
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void loadsAFileAndResolvesOffsetsNextToIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("east.json");
        Files.writeString(file, """
                {"kafka": "k:9092", "site": {%s}, "offsets": {"file": "state/east.offsets"}}""".formatted(SITE));

        assertThat(StandaloneConfig.load(file).offsets().file()).isEqualTo(dir.resolve("state/east.offsets"));
        assertThatThrownBy(() -> StandaloneConfig.load(dir.resolve("missing.json")))
                .isInstanceOf(StandaloneConfigException.class).hasMessageEndingWith("missing.json: does not exist");
    }

    @Test
    void theSampleSiteFileIsValidOnceFilledIn() throws Exception {
        String sample = Files.readString(Path.of("..", "config-samples", "standalone", "site-a.json"));
        Map<String, String> values = Map.of("group", "orders", "tables", "public.orders",
                "host", "db-a", "port", "5432", "user", "syncline", "password", "pw", "database", "shop");
        Matcher m = Pattern.compile("\\$\\{([a-z]+)}").matcher(sample);
        StringBuilder filled = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(filled, Matcher.quoteReplacement(values.get(m.group(1))));
        }
        m.appendTail(filled);

        StandaloneConfig config = parse(filled.toString());

        assertThat(config.siteId().value()).isEqualTo("a");
        assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.changesPartitions()).isEqualTo(4);
        assertThat(config.sinkSetting("errors.deadletterqueue.topic.name", "")).isEqualTo("orders.dlq.a");
        assertThat(config.offsets().file()).isEqualTo(BASE.resolve("site-a.offsets"));
    }
}
