package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.site.SqlIdentifiers;
import io.syncline.core.site.TableRef;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.cli.TableVerdict;
import io.syncline.tools.embedded.EmbeddedStack;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile and malformed input on the real stack (KRaft broker, Connect worker, two PostgreSQL sites):
 * identifiers built to break unquoted SQL are synced like any other and touch nothing else; a record
 * on the changes topic that is not a change envelope goes to the dead-letter topics and the sinks keep
 * applying what follows; values a site cannot hold and rows its constraints refuse go to that site's
 * dead-letter topic with the database's reason while every other change arrives.
 */
class HostileInputIT {

    /** Schema with a space and accents; table with quotes, a semicolon, an embedded statement, a dot. */
    private static final TableRef HOSTILE = new TableRef("ünï cödé", "odd \"name\"; DROP TABLE public.decoy; --");
    private static final String KEY_A = "key \"id\"";
    private static final String KEY_B = "it's|k";
    private static final String VALUE = "väl; ue, \"x\" 名前";
    private static final String NUMBER = "n); DELETE FROM public.decoy; --";
    private static final TableRef NARROW = TableRef.parse("public.narrow");
    private static final TableRef PLAIN = TableRef.parse("public.plain");

    private static EmbeddedStack stack;
    private static long seed;

    @BeforeAll
    static void startStack() {
        seed = Long.getLong("syncline.seed", System.nanoTime());
        System.out.println("HostileInputIT seed " + seed + " (rerun with -Dsyncline.seed=" + seed + ")");
        String group = "hostile" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres").withGroup(group));
        String q = SqlIdentifiers.quote(HOSTILE.schema());
        stack.applySql("CREATE SCHEMA " + q + ";\n"
                + "CREATE TABLE " + HOSTILE.quoted() + " (" + SqlIdentifiers.quote(KEY_A) + " bigint, "
                + SqlIdentifiers.quote(KEY_B) + " text, " + SqlIdentifiers.quote(VALUE) + " text, "
                + SqlIdentifiers.quote(NUMBER) + " integer, PRIMARY KEY (" + SqlIdentifiers.quote(KEY_A) + ", "
                + SqlIdentifiers.quote(KEY_B) + "));\n"
                + "CREATE TABLE public.decoy (id integer PRIMARY KEY, note text);\n"
                + "INSERT INTO public.decoy SELECT g, 'decoy ' || g FROM generate_series(1, 3) g;\n"
                + "CREATE TABLE public.plain (id bigint PRIMARY KEY, note text);\n");
        // The same table, narrower at b: shorter text, smaller numbers, a check and a unique index a lacks.
        exec("a", "CREATE TABLE public.narrow (id bigint PRIMARY KEY, note varchar(50), amount numeric(10,2), "
                + "n integer, code text)");
        exec("b", "CREATE TABLE public.narrow (id bigint PRIMARY KEY, note varchar(10), amount numeric(5,2), "
                + "n integer CHECK (n < 100), code text UNIQUE)");
        stack.startSync(List.of(HOSTILE.toString(), NARROW.toString(), PLAIN.toString()),
                Map.of("apply.ledger.enabled", "true"));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void hostileIdentifiersAreSyncedAndNothingElseIsTouched() throws Exception {
        Random random = new Random(seed);
        String insert = "INSERT INTO " + HOSTILE.quoted() + " VALUES (?, ?, ?, ?)";
        List<String> texts = List.of("O'Brien; DROP TABLE public.decoy; --", "a,b\\c", "\"quoted\"", "ünïcödé 名前 🚀",
                "", "tab\tnew\nline", "$$ dollar $$", "--", "/* c */");
        int writes = 0;
        for (String site : List.of("a", "b")) {
            try (Connection c = stack.site(site).connect(); PreparedStatement ps = c.prepareStatement(insert)) {
                for (int i = 0; i < 60; i++) {
                    ps.setLong(1, site.equals("a") ? i : 1_000 + i);
                    ps.setString(2, texts.get(random.nextInt(texts.size())) + i);
                    ps.setString(3, texts.get(random.nextInt(texts.size())));
                    ps.setInt(4, random.nextInt(1000));
                    ps.executeUpdate();
                    writes++;
                }
            }
        }
        String valueColumn = SqlIdentifiers.quote(VALUE);
        String numberColumn = SqlIdentifiers.quote(NUMBER);
        String keyColumn = SqlIdentifiers.quote(KEY_A);
        try (Connection a = stack.site("a").connect(); Statement st = a.createStatement()) {
            st.executeUpdate("UPDATE " + HOSTILE.quoted() + " SET " + valueColumn + " = 'up''dated; --', " + numberColumn
                    + " = " + numberColumn + " + 1 WHERE " + keyColumn + " % 3 = 0 AND " + keyColumn + " < 1000");
            st.executeUpdate("DELETE FROM " + HOSTILE.quoted() + " WHERE " + keyColumn + " % 5 = 1 AND " + keyColumn
                    + " < 1000");
            // A primary-key change of a composite key with hostile names.
            st.executeUpdate("UPDATE " + HOSTILE.quoted() + " SET " + keyColumn + " = " + keyColumn + " + 500 WHERE "
                    + keyColumn + " IN (2, 4)");
        }
        try (Connection b = stack.site("b").connect(); Statement st = b.createStatement()) {
            st.executeUpdate("UPDATE " + HOSTILE.quoted() + " SET " + SqlIdentifiers.quote(KEY_B) + " = "
                    + SqlIdentifiers.quote(KEY_B) + " || ',x' WHERE " + keyColumn + " >= 1000 AND " + keyColumn
                    + " % 2 = 0");
        }
        StackSql.awaitEqualAB(stack, HOSTILE);
        TableVerdict verdict = StackSql.verifyAB(stack, HOSTILE);
        assertThat(verdict.rows("a")).as("rows of the hostile table (seed %d)", seed).isEqualTo(writes - 12);
        for (String site : List.of("a", "b")) {
            assertThat(StackSql.query(stack, site, "SELECT string_agg(id || '=' || note, ',' ORDER BY id) FROM public.decoy"))
                    .as("the decoy table at %s is untouched", site).isEqualTo("1=decoy 1,2=decoy 2,3=decoy 3");
            assertThat(StackSql.query(stack, site, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public.decoy'::regclass"))
                    .as("no trigger on the unsynced decoy at %s", site).isEqualTo("0");
            assertThat(StackSql.query(stack, site, "SELECT count(*) FROM syncline.row_meta WHERE table_name NOT IN ('"
                    + HOSTILE.toString().replace("'", "''") + "', 'public.narrow', 'public.plain')"))
                    .as("meta entries only for synced tables at %s", site).isEqualTo("0");
            assertThat(StackSql.query(stack, site, "SELECT count(*) FROM syncline.row_meta WHERE table_name = '"
                    + HOSTILE.toString().replace("'", "''") + "' AND NOT deleted"))
                    .as("live meta entries of the hostile table at %s", site).isEqualTo(String.valueOf(writes - 12));
        }
        assertThat(stack.failures()).isEmpty();
    }

    @Test
    void aGarbageRecordGoesToTheDeadLetterTopicsAndTheSinksKeepApplying() throws Exception {
        byte[] noise = new byte[64];
        new Random(seed).nextBytes(noise);
        // Avro single-object magic bytes followed by a fingerprint no Syncline schema has.
        byte[] wrongFingerprint = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        List<byte[]> garbage = List.of(noise, "{\"not\":\"an envelope\"}".getBytes(StandardCharsets.UTF_8),
                wrongFingerprint, new byte[0]);
        int partitions;
        try (var admin = stack.kafka().newAdmin()) {
            partitions = admin.describeTopics(List.of(stack.changesTopic())).allTopicNames().get()
                    .get(stack.changesTopic()).partitions().size();
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            // Every partition gets every kind, so every sink task meets them before the rows below.
            for (int p = 0; p < partitions; p++) {
                for (byte[] value : garbage) {
                    producer.send(new ProducerRecord<>(stack.changesTopic(), p, "garbage", value)).get();
                }
            }
        }
        long rows = 300;
        try (Connection a = stack.site("a").connect(); Statement st = a.createStatement()) {
            st.executeUpdate("INSERT INTO public.plain SELECT g, 'after garbage ' || g FROM generate_series(1, " + rows
                    + ") g");
        }
        try (Connection b = stack.site("b").connect(); Statement st = b.createStatement()) {
            st.executeUpdate("INSERT INTO public.plain SELECT g, 'from b ' || g FROM generate_series(10001, "
                    + (10000 + rows) + ") g");
        }
        StackSql.awaitEqualAB(stack, PLAIN);
        assertThat(StackSql.verifyAB(stack, PLAIN).rows("a")).isEqualTo(2 * rows);
        int expected = partitions * garbage.size();
        for (String site : List.of("a", "b")) {
            String dlq = stack.group() + ".dlq." + site;
            List<TopicRecords.Read> dead = new ArrayList<>();
            Deadlines.await(expected + " garbage records on " + dlq, Duration.ofSeconds(60), () -> {
                dead.clear();
                dead.addAll(TopicRecords.readAll(stack.kafka().bootstrapServers(), dlq).stream()
                        .filter(r -> "garbage".equals(r.key())).toList());
                return dead.size() >= expected;
            }, () -> dead.size() + " so far");
            assertThat(dead).hasSize(expected);
            for (TopicRecords.Read r : dead) {
                assertThat(garbage.stream().anyMatch(g -> Arrays.equals(g, r.value())))
                        .as("the dead letter is the garbage record as it was produced").isTrue();
                assertThat(r.header("__connect.errors.topic")).isEqualTo(stack.changesTopic());
                assertThat(r.header("__connect.errors.exception.class.name")).endsWith("EnvelopeFormatException");
                assertThat(r.header("__connect.errors.exception.message")).isNotBlank();
            }
            String sink = stack.sinkConnector(site, List.of()).name();
            assertThat(stack.rest().taskStates(sink).values()).as("tasks of %s", sink).containsOnly("RUNNING");
        }
        assertThat(stack.failures()).isEmpty();
    }

    @Test
    void valuesThatDoNotFitAndConstraintViolationsGoToTheDeadLetterTopicWithTheirReason() throws Exception {
        try (Connection a = stack.site("a").connect(); Statement st = a.createStatement()) {
            st.executeUpdate("INSERT INTO public.narrow SELECT g, 'fits ' || g, g, g, 'code' || g "
                    + "FROM generate_series(1, 50) g");
            st.executeUpdate("INSERT INTO public.narrow VALUES (101, 'this note is far too long for b', 1, 1, NULL)");
            st.executeUpdate("INSERT INTO public.narrow VALUES (102, 'amount', 123456.78, 1, NULL)");
            st.executeUpdate("INSERT INTO public.narrow VALUES (103, 'check', 1, 500, NULL)");
            st.executeUpdate("INSERT INTO public.narrow VALUES (104, 'first', 1, 1, 'zq-code')");
        }
        StackSql.awaitRow(stack, "b", "SELECT count(*) FROM public.narrow WHERE id = 104", "1");
        try (Connection a = stack.site("a").connect(); Statement st = a.createStatement()) {
            st.executeUpdate("INSERT INTO public.narrow VALUES (105, 'second', 1, 1, 'zq-code')");
            // Changes after the refused ones still flow, including an update that makes 101 fit.
            st.executeUpdate("INSERT INTO public.narrow SELECT g, 'later ' || g, g, g, NULL FROM generate_series(51, 80) g");
            st.executeUpdate("UPDATE public.narrow SET note = 'short' WHERE id = 101");
        }
        StackSql.awaitRow(stack, "b", "SELECT count(*) FROM public.narrow WHERE id BETWEEN 51 AND 80", "30");
        StackSql.awaitRow(stack, "b", "SELECT note FROM public.narrow WHERE id = 101", "short");

        Map<String, String> reasons = new LinkedHashMap<>();
        String dlq = stack.group() + ".dlq.b";
        Deadlines.await("the three refused changes on " + dlq, Duration.ofSeconds(60), () -> {
            reasons.clear();
            for (TopicRecords.Read r : TopicRecords.readAll(stack.kafka().bootstrapServers(), dlq)) {
                if (r.key() != null && r.key().startsWith("public.narrow/")) {
                    reasons.put(r.key().substring("public.narrow/".length()),
                            r.header("__connect.errors.exception.message"));
                }
            }
            return reasons.size() >= 3;
        }, () -> String.valueOf(reasons));
        // 105 collides at b with 104 on the unique index only b has: a unique-key conflict there, where the
        // lower key keeps the code and 105 is written without it, not a refused change.
        assertThat(reasons.keySet()).containsExactlyInAnyOrder("101", "102", "103");
        assertThat(reasons.get("101")).contains("SQLSTATE 22001").contains("site b refused the change of public.narrow");
        TopicRecords.Read first = TopicRecords.readAll(stack.kafka().bootstrapServers(), dlq).stream()
                .filter(r -> "public.narrow/101".equals(r.key())).findFirst().orElseThrow();
        assertThat(first.header("__connect.errors.topic")).isEqualTo(stack.changesTopic());
        assertThat(first.headers()).containsKeys("__connect.errors.partition", "__connect.errors.offset");
        assertThat(reasons.get("102")).contains("SQLSTATE 22003");
        assertThat(reasons.get("103")).contains("SQLSTATE 23514").contains("narrow_n_check");
        assertThat(StackSql.query(stack, "b", "SELECT coalesce(code, 'NULL') FROM public.narrow WHERE id = 105"))
                .isEqualTo("NULL");
        assertThat(StackSql.query(stack, "b", "SELECT conflict_type || ' ' || rule FROM syncline.conflicts "
                + "WHERE table_name = 'public.narrow' AND pk = '105'")).isEqualTo("unique-key lowest-key-wins");
        for (String reason : reasons.values()) {
            assertThat(reason).as("the row's values stay out of the reason").doesNotContain("far too long")
                    .doesNotContain("123456.78").doesNotContain("zq-code");
        }
        // Everything else arrived: a and b differ exactly by the refused rows still refused.
        TableVerdict verdict = StackSql.verifyAB(stack, NARROW);
        Set<String> differing = new TreeSet<>();
        verdict.keys().forEach(k -> differing.add(k.key()));
        assertThat(differing).as("keys differing between a and b").containsExactlyInAnyOrder("102", "103", "105");
        assertThat(verdict.rows("b")).isEqualTo(verdict.rows("a") - 2);
        assertThat(stack.failures()).isEmpty();
    }

    private static boolean exec(String site, String sql) {
        try (Connection c = stack.site(site).connect(); Statement st = c.createStatement()) {
            return st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(site + ": " + e.getMessage(), e);
        }
    }

}
