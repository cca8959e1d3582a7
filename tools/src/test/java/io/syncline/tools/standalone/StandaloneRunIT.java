package io.syncline.tools.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncline.core.site.TableRef;
import io.syncline.testkit.Deadlines;
import io.syncline.testkit.EmbeddedKafka;
import io.syncline.testkit.FreePort;
import io.syncline.testkit.PostgresServer;
import io.syncline.tools.cli.MeshVerification;
import io.syncline.tools.cli.TableVerdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two sites synced by two standalone runners ({@code syncline run}) on a real broker and real
 * PostgreSQL servers, without Kafka Connect: both converge; a restarted runner applies nothing
 * twice and catches up with what it missed; a change a site refuses goes to its dead-letter topic.
 */
class StandaloneRunIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GROUP = "solo";
    private static final String TABLE = "public.items";
    private static final Duration CONVERGE = Duration.ofSeconds(90);

    private static Path workDir;
    private static EmbeddedKafka kafka;
    private static PostgresServer siteA;
    private static PostgresServer siteB;

    @BeforeAll
    static void startBrokerAndSites() throws Exception {
        workDir = Files.createTempDirectory("syncline-it-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        CompletableFuture<EmbeddedKafka> broker = CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(workDir));
        CompletableFuture<PostgresServer> a = CompletableFuture.supplyAsync(() -> PostgresServer.start(workDir, "site_a"));
        CompletableFuture<PostgresServer> b = CompletableFuture.supplyAsync(() -> PostgresServer.start(workDir, "site_b"));
        kafka = broker.join();
        siteA = a.join();
        siteB = b.join();
        kafka.createTopic(GROUP + ".changes", 4);
        for (PostgresServer site : new PostgresServer[] {siteA, siteB}) {
            try (Connection c = site.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE public.items (id bigint PRIMARY KEY, name text NOT NULL, qty int)");
            }
        }
    }

    @AfterAll
    static void stopAll() {
        for (AutoCloseable closeable : new AutoCloseable[] {siteA, siteB, kafka}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                System.err.println("closing " + closeable + " failed: " + e);
            }
        }
        if (workDir != null) {
            try (Stream<Path> files = Files.walk(workDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                System.err.println("could not delete " + workDir + ": " + e);
            }
        }
    }

    @Test
    void twoStandaloneSitesConvergeAndARestartAppliesNothingTwice() throws Exception {
        StandaloneConfig configA = StandaloneConfig.load(siteAFileFromTheSample());
        StandaloneConfig configB = StandaloneConfig.parse(siteBJson(), "site-b.json", workDir);
        assertThat(configB.offsets().kind()).isEqualTo(OffsetStorage.Kind.KAFKA);

        StandaloneSite runnerA = StandaloneSite.start(configA);
        StandaloneSite runnerB = StandaloneSite.start(configB);
        try {
            awaitStreaming(siteA, "a");
            awaitStreaming(siteB, "b");

            // One transaction per statement, so every row change is one change event.
            execute(siteA, "INSERT INTO public.items SELECT g, 'a-' || g, g FROM generate_series(1, 40) g");
            execute(siteB, "INSERT INTO public.items SELECT g, 'b-' || g, g FROM generate_series(101, 120) g");
            execute(siteA, "UPDATE public.items SET qty = qty + 100 WHERE id % 5 = 0 AND id <= 40");
            execute(siteB, "UPDATE public.items SET name = 'b-changed' WHERE id = 105");
            execute(siteA, "DELETE FROM public.items WHERE id IN (3, 13, 23)");
            execute(siteB, "DELETE FROM public.items WHERE id = 120");
            awaitConverged(runnerA, runnerB, 37 + 19);
            assertThat(single(siteA, "SELECT name FROM public.items WHERE id = 105")).isEqualTo("b-changed");
            assertThat(single(siteB, "SELECT qty FROM public.items WHERE id = 10")).isEqualTo("110");

            runnerB.close();
            assertThat(runnerB.failure()).isEmpty();
            execute(siteA, "INSERT INTO public.items SELECT g, 'a-late-' || g, g FROM generate_series(41, 50) g");
            execute(siteB, "UPDATE public.items SET qty = -1 WHERE id = 101");

            runnerB = StandaloneSite.start(configB);
            awaitStreaming(siteB, "b");
            execute(siteB, "INSERT INTO public.items VALUES (121, 'b-after-restart', 1)");
            awaitConverged(runnerA, runnerB, 37 + 19 + 10 + 1);
            assertThat(single(siteA, "SELECT qty FROM public.items WHERE id = 101"))
                    .as("a write made at b while its runner was down is captured after the restart").isEqualTo("-1");

            // A change site a refuses goes to its dead-letter topic (the sample's errors.* settings); the rest is applied.
            execute(siteA, "ALTER TABLE public.items ADD CONSTRAINT small_qty CHECK (qty < 1000000)");
            execute(siteB, "INSERT INTO public.items VALUES (1000, 'too-big', 5000000)");
            execute(siteB, "INSERT INTO public.items VALUES (1001, 'fine', 1)");
            Deadlines.await("row 1001 reaches site a", CONVERGE,
                    () -> "fine".equals(single(siteA, "SELECT name FROM public.items WHERE id = 1001")), () -> "absent");
            assertThat(single(siteA, "SELECT count(*) FROM public.items WHERE id = 1000")).isEqualTo("0");
            Map<String, String> deadLetter = awaitDeadLetter(GROUP + ".dlq.a");
            assertThat(deadLetter).containsEntry("key", "public.items/1000")
                    .containsEntry("__connect.errors.topic", GROUP + ".changes");
            assertThat(deadLetter.get("__connect.errors.exception.message")).contains("small_qty");
            execute(siteB, "DELETE FROM public.items WHERE id = 1000");
            awaitConverged(runnerA, runnerB, 37 + 19 + 10 + 1 + 1);

            for (PostgresServer site : new PostgresServer[] {siteA, siteB}) {
                // One statement, one snapshot: the deletion of row 1000 (which a never had, so the row
                // counts converge without it) may still be being applied at a.
                String[] counts = single(site, "SELECT count(*) || '/' || count(DISTINCT (dot_origin, dot_seq)) "
                        + "FROM syncline.apply_ledger").split("/");
                long applied = Long.parseLong(counts[0]);
                long distinct = Long.parseLong(counts[1]);
                assertThat(applied).as("applied changes at %s", site.database()).isPositive().isEqualTo(distinct);
            }
            // Every row a wrote that still exists reached b through at least one applied change of a.
            assertThat(Long.parseLong(single(siteB,
                    "SELECT count(DISTINCT (dot_origin, dot_seq)) FROM syncline.apply_ledger WHERE dot_origin = 'a'")))
                    .isGreaterThanOrEqualTo(47);
        } finally {
            runnerA.close();
            runnerB.close();
        }
        assertThat(runnerA.failure()).isEmpty();
        assertThat(runnerB.failure()).isEmpty();
    }

    @Test
    void anUnreachableKafkaIsReportedAsSuch() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(siteBJson());
        root.put("kafka", "127.0.0.1:" + FreePort.onLoopback());
        StandaloneConfig config = StandaloneConfig.parse(JSON.writeValueAsString(root), "unreachable.json", workDir);

        assertThatThrownBy(() -> StandaloneSite.start(config)).isInstanceOf(SiteUnreachableException.class)
                .hasMessageContaining("Kafka at 127.0.0.1:");
    }

    @Test
    void aWrongPasswordIsAConfigurationProblem() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(siteBJson());
        ((ObjectNode) root.get("sink")).put("database.password", "not-the-password");
        StandaloneConfig config = StandaloneConfig.parse(JSON.writeValueAsString(root), "wrong.json", workDir);

        assertThatThrownBy(() -> StandaloneSite.start(config)).isInstanceOf(StandaloneConfigException.class)
                .hasMessageContaining("refused the login").hasMessageNotContaining("not-the-password");
    }

    /** The sample of config-samples/standalone, filled in for site a, on this broker, with the apply ledger on. */
    private static Path siteAFileFromTheSample() throws IOException {
        String sample = Files.readString(Path.of(System.getProperty("syncline.config.samples", "../config-samples"),
                "standalone", "site-a.json"));
        Map<String, String> values = new LinkedHashMap<>();
        values.put("group", GROUP);
        values.put("tables", TABLE);
        values.put("host", siteA.host());
        values.put("port", Integer.toString(siteA.port()));
        values.put("user", siteA.user());
        values.put("password", siteA.password());
        values.put("database", siteA.database());
        Matcher m = Pattern.compile("\\$\\{([a-z]+)}").matcher(sample);
        StringBuilder filled = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(filled, Matcher.quoteReplacement(values.get(m.group(1))));
        }
        m.appendTail(filled);
        ObjectNode root = (ObjectNode) JSON.readTree(filled.toString());
        root.put("kafka", kafka.bootstrapServers());
        ((ObjectNode) root.get("sink")).put("apply.ledger.enabled", "true");
        Path file = workDir.resolve("site-a.json");
        Files.writeString(file, JSON.writeValueAsString(root));
        return file;
    }

    /** Site b in the other shape: full source and sink sections, offsets in a Kafka topic. */
    private static String siteBJson() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("kafka", kafka.bootstrapServers());
        for (String side : new String[] {"source", "sink"}) {
            ObjectNode section = root.putObject(side);
            section.put("sync.group", GROUP);
            section.put("site.id", "b");
            section.put("table.include.list", TABLE);
            section.put("database.hostname", siteB.host());
            section.put("database.port", siteB.port());
            section.put("database.user", siteB.user());
            section.put("database.password", siteB.password());
            section.put("database.dbname", siteB.database());
        }
        ((ObjectNode) root.get("sink")).put("apply.ledger.enabled", true);
        root.putObject("offsets").put("topic", GROUP + ".offsets.b").put("flush.interval.ms", 1000);
        return JSON.writeValueAsString(root);
    }

    private static void awaitStreaming(PostgresServer site, String siteId) {
        String slot = "syncline_" + GROUP + "_" + siteId;
        Deadlines.await("the capture of site " + siteId + " streams from slot " + slot, Duration.ofSeconds(60),
                () -> "t".equals(single(site, "SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")),
                () -> "slot " + slot);
    }

    private static void awaitConverged(StandaloneSite a, StandaloneSite b, int rows) {
        TableRef table = TableRef.parse(TABLE);
        String[] last = {"nothing yet"};
        Deadlines.await("sites a and b hold the same " + rows + " rows", CONVERGE, () -> {
            assertThat(a.failure()).as("runner a").isEmpty();
            assertThat(b.failure()).as("runner b").isEmpty();
            try (Connection ca = siteA.connect(); Connection cb = siteB.connect()) {
                Map<String, Connection> sites = new LinkedHashMap<>();
                sites.put("a", ca);
                sites.put("b", cb);
                TableVerdict verdict = MeshVerification.withDefaults().verify(sites, table);
                last[0] = verdict.sites() + " differing keys " + verdict.keys().size();
                return verdict.equal() && verdict.sites().get("a").rows() == rows;
            }
        }, () -> last[0]);
    }

    /** The first record of a dead-letter topic: its key and headers. */
    private static Map<String, String> awaitDeadLetter(String topic) {
        Map<String, String> seen = new LinkedHashMap<>();
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            Deadlines.await("a record on " + topic, CONVERGE, () -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.put("key", record.key());
                    for (Header header : record.headers()) {
                        seen.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
                    }
                    return true;
                }
                return false;
            }, () -> "nothing");
        }
        return seen;
    }

    private static void execute(PostgresServer site, String sql) throws SQLException {
        try (Connection c = site.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String single(PostgresServer site, String sql) throws SQLException {
        try (Connection c = site.connect(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
