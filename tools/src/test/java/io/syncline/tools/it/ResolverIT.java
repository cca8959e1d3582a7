package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.testkit.Deadlines;
import io.syncline.tools.embedded.EmbeddedStack;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each built-in resolver's rule on the real stack: two sites, a scripted race (both sinks paused,
 * the same row written at a and then at b, sinks resumed), both sites end with the rule's result and
 * log the conflict; the conflict reaches the conflicts topic. Two users with one email inserted at
 * the two sites are a {@code unique-key} conflict (the lower key keeps it), not a dead letter.
 */
class ResolverIT {

    private static final Map<String, String> TABLES = new LinkedHashMap<>();

    static {
        TABLES.put("public.r_lww", "last-writer-wins");
        TABLES.put("public.r_priority", "site-priority");
        TABLES.put("public.r_delete_wins", "delete-wins");
        TABLES.put("public.r_update_wins", "update-wins");
        TABLES.put("public.r_max", "max");
        TABLES.put("public.r_min", "min");
        TABLES.put("public.r_columns", "column-last-writer-wins");
        TABLES.put("public.r_delta", "delta");
        TABLES.put("public.r_unique", "last-writer-wins");
    }

    private static EmbeddedStack stack;

    @BeforeAll
    static void startStack() {
        String group = "res" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres").withGroup(group));
        StringBuilder schema = new StringBuilder();
        for (String table : TABLES.keySet()) {
            if (table.equals("public.r_unique")) {
                schema.append("CREATE TABLE public.r_unique (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);\n");
            } else {
                schema.append("CREATE TABLE ").append(table).append(" (id bigint PRIMARY KEY, name text, "
                        + "price numeric(10,2), qty bigint NOT NULL DEFAULT 0);\n");
            }
        }
        stack.applySql(schema.toString());
        Map<String, String> resolvers = new LinkedHashMap<>();
        resolvers.put("apply.ledger.enabled", "true");
        TABLES.forEach((table, resolver) -> resolvers.put("conflict.resolver." + table, resolver));
        resolvers.put("conflict.resolver.public.r_priority.sites", "b,a");
        resolvers.put("conflict.resolver.public.r_max.column", "price");
        resolvers.put("conflict.resolver.public.r_min.column", "price");
        resolvers.put("conflict.resolver.public.r_delta.columns", "qty");
        stack.startSync(new ArrayList<>(TABLES.keySet()), resolvers);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void lastWriterWinsKeepsTheLaterWrite() throws Exception {
        seed("public.r_lww", "INSERT INTO public.r_lww (id, name) VALUES (1, 'start')");
        race("UPDATE public.r_lww SET name = 'from a' WHERE id = 1", "UPDATE public.r_lww SET name = 'from b' WHERE id = 1");
        assertConverged("public.r_lww", "SELECT name FROM public.r_lww WHERE id = 1", "from b");
        assertLogged("public.r_lww", "last-writer-wins", "update/update");
    }

    @Test
    void sitePriorityKeepsTheHigherSitesWriteEvenIfOlder() throws Exception {
        seed("public.r_priority", "INSERT INTO public.r_priority (id, name) VALUES (1, 'start')");
        // a writes after b here: priority (b before a), not time, decides.
        race(List.of("b", "a"), "UPDATE public.r_priority SET name = 'from b' WHERE id = 1",
                "UPDATE public.r_priority SET name = 'from a' WHERE id = 1");
        assertConverged("public.r_priority", "SELECT name FROM public.r_priority WHERE id = 1", "from b");
        assertLogged("public.r_priority", "site-priority", "update/update");
    }

    @Test
    void deleteWinsOverALaterUpdate() throws Exception {
        seed("public.r_delete_wins", "INSERT INTO public.r_delete_wins (id, name) VALUES (1, 'start')");
        race("DELETE FROM public.r_delete_wins WHERE id = 1", "UPDATE public.r_delete_wins SET name = 'b' WHERE id = 1");
        assertConverged("public.r_delete_wins", "SELECT count(*) FROM public.r_delete_wins", "0");
        assertLogged("public.r_delete_wins", "delete-wins", "update/delete");
    }

    @Test
    void updateWinsOverALaterDelete() throws Exception {
        seed("public.r_update_wins", "INSERT INTO public.r_update_wins (id, name) VALUES (1, 'start')");
        race("UPDATE public.r_update_wins SET name = 'kept' WHERE id = 1", "DELETE FROM public.r_update_wins WHERE id = 1");
        assertConverged("public.r_update_wins", "SELECT name FROM public.r_update_wins WHERE id = 1", "kept");
        assertLogged("public.r_update_wins", "update-wins", "update/delete");
    }

    @Test
    void maxKeepsTheLargerValueAndMinTheSmaller() throws Exception {
        seed("public.r_max", "INSERT INTO public.r_max (id, price) VALUES (1, 1)");
        race("UPDATE public.r_max SET price = 20 WHERE id = 1", "UPDATE public.r_max SET price = 10 WHERE id = 1");
        assertConverged("public.r_max", "SELECT price FROM public.r_max WHERE id = 1", "20.00");
        assertLogged("public.r_max", "max", "update/update");

        seed("public.r_min", "INSERT INTO public.r_min (id, price) VALUES (1, 1)");
        race("UPDATE public.r_min SET price = 10 WHERE id = 1", "UPDATE public.r_min SET price = 20 WHERE id = 1");
        assertConverged("public.r_min", "SELECT price FROM public.r_min WHERE id = 1", "10.00");
        assertLogged("public.r_min", "min", "update/update");
    }

    @Test
    void columnLastWriterWinsKeepsConcurrentChangesOfDifferentColumns() throws Exception {
        seed("public.r_columns", "INSERT INTO public.r_columns (id, name, price) VALUES (1, 'start', 1)");
        race("UPDATE public.r_columns SET name = 'renamed at a' WHERE id = 1",
                "UPDATE public.r_columns SET price = 42 WHERE id = 1");
        assertConverged("public.r_columns", "SELECT name || ' ' || price FROM public.r_columns WHERE id = 1",
                "renamed at a 42.00");
        assertLogged("public.r_columns", "column-last-writer-wins", "update/update");
    }

    @Test
    void deltaAddsUpConcurrentIncrements() throws Exception {
        seed("public.r_delta", "INSERT INTO public.r_delta (id, qty) VALUES (1, 10)");
        race("UPDATE public.r_delta SET qty = qty + 3 WHERE id = 1", "UPDATE public.r_delta SET qty = qty + 5 WHERE id = 1");
        assertConverged("public.r_delta", "SELECT qty FROM public.r_delta WHERE id = 1", "18");
        assertLogged("public.r_delta", "delta", "update/update");
    }

    @Test
    void insertsOfTheSameKeyAtTwoSitesAreAnInsertInsertConflict() throws Exception {
        race("INSERT INTO public.r_lww (id, name) VALUES (100, 'inserted at a')",
                "INSERT INTO public.r_lww (id, name) VALUES (100, 'inserted at b')");
        assertConverged("public.r_lww", "SELECT name FROM public.r_lww WHERE id = 100", "inserted at b");
        assertLogged("public.r_lww", "last-writer-wins", "insert/insert");
    }

    @Test
    void conflictsAreOnTheConflictsTopic() throws Exception {
        seed("public.r_lww", "INSERT INTO public.r_lww (id, name) VALUES (7, 'start')");
        race("UPDATE public.r_lww SET name = 'a7' WHERE id = 7", "UPDATE public.r_lww SET name = 'b7' WHERE id = 7");
        assertConverged("public.r_lww", "SELECT name FROM public.r_lww WHERE id = 7", "b7");
        List<String> published = new ArrayList<>();
        Deadlines.await("the conflict of public.r_lww key 7 on " + stack.group() + ".conflicts", Duration.ofSeconds(60), () -> {
            published.clear();
            published.addAll(readTopic(stack.group() + ".conflicts"));
            return published.stream().filter(v -> v.contains("\"table_name\":\"public.r_lww\"")
                    && v.contains("\"pk\":\"7\"")).count() >= 2;
        }, () -> published.size() + " conflict records");
        assertThat(published).anySatisfy(v -> assertThat(v).contains("\"rule\":\"last-writer-wins\"")
                .contains("\"resolved_at_site\":\"a\""));
    }

    @Test
    void twoSitesInsertingOneEmailForTwoUsersIsAUniqueKeyConflictNotADeadLetter() throws Exception {
        race("INSERT INTO public.r_unique (id, email) VALUES (1, 'same@example.org')",
                "INSERT INTO public.r_unique (id, email) VALUES (2, 'same@example.org')");
        try (Connection a = stack.site("a").connect(); Statement st = a.createStatement()) {
            st.executeUpdate("INSERT INTO public.r_unique (id, email) VALUES (3, 'other@example.org')");
        }
        // The lower key keeps the email; the email cannot be NULL, so user 2 is deleted at both sites.
        assertConverged("public.r_unique", "SELECT string_agg(id || ' ' || email, ', ' ORDER BY id) FROM public.r_unique",
                "1 same@example.org, 3 other@example.org");
        assertLogged("public.r_unique", "lowest-key-wins", "unique-key");
        for (String site : List.of("a", "b")) {
            assertThat(StackSql.query(stack, site, "SELECT pk FROM syncline.conflicts WHERE table_name = "
                    + "'public.r_unique' AND conflict_type = 'unique-key'")).as("the loser's key at %s", site)
                    .isEqualTo("2");
        }
        assertThat(readTopic(stack.group() + ".dlq.a")).as("nothing refused at a").isEmpty();
        assertThat(readTopic(stack.group() + ".dlq.b")).as("nothing refused at b").isEmpty();
        assertThat(stack.failures()).isEmpty();
    }

    private static void seed(String table, String sql) throws Exception {
        try (Connection a = stack.site("a").connect(); Statement st = a.createStatement()) {
            st.executeUpdate(sql);
        }
        String image = "SELECT coalesce(string_agg(row_to_json(t)::text, ',' ORDER BY t.id), '') FROM " + table + " AS t";
        Deadlines.await(table + " identical at a and b after the seed", Duration.ofSeconds(60),
                () -> StackSql.query(stack, "a", image).equals(StackSql.query(stack, "b", image)), () -> "a: " + StackSql.quietly(stack, "a", image) + ", b: "
                        + StackSql.quietly(stack, "b", image));
        awaitSinksCaughtUp();
    }

    private static void race(String atA, String atB) throws Exception {
        race(List.of("a", "b"), atA, atB);
    }

    /** Both sinks paused; the first statement at the first site, then the second at the other; resumed. */
    private static void race(List<String> order, String first, String second) throws Exception {
        List<String> sinks = List.of(sinkName("a"), sinkName("b"));
        StackConnectors.pauseAndAwait(stack, sinks);
        StackSql.execute(stack, order.get(0), first);
        StackSql.execute(stack, order.get(1), second);
        for (String sink : sinks) {
            stack.rest().resumeConnector(sink);
        }
    }

    private static void assertConverged(String table, String sql, String expected) {
        Deadlines.await(table + " converged to " + expected + " at a and b", Duration.ofSeconds(60),
                () -> expected.equals(StackSql.query(stack, "a", sql)) && expected.equals(StackSql.query(stack, "b", sql)),
                () -> "a: " + StackSql.quietly(stack, "a", sql) + ", b: " + StackSql.quietly(stack, "b", sql) + ", failures " + stack.failures());
    }

    /** Each site logs the conflict once its sink has consumed the other site's version. */
    private static void assertLogged(String table, String rule, String type) {
        awaitSinksCaughtUp();
        for (String site : List.of("a", "b")) {
            String sql = "SELECT count(*) FROM syncline.conflicts WHERE table_name = '" + table + "' AND rule = '" + rule
                    + "' AND conflict_type = '" + type + "'";
            Deadlines.await(type + " conflict of " + table + " logged at " + site + " by " + rule, Duration.ofSeconds(30),
                    () -> Integer.parseInt(StackSql.query(stack, site, sql)) > 0,
                    () -> StackSql.quietly(stack, site, "SELECT string_agg(conflict_type || ' ' || rule, '; ') FROM syncline.conflicts "
                            + "WHERE table_name = '" + table + "'"));
        }
    }

    /** Both captures shipped everything (the topic is stable) and both sinks consumed all of it. */
    private static void awaitSinksCaughtUp() {
        Deadlines.await("both sinks consumed the changes topic", Duration.ofSeconds(60), () -> {
            long end = stack.kafka().endOffsetsSum(stack.changesTopic());
            return Long.parseLong(StackSql.query(stack, "a", "SELECT coalesce(sum(next_offset), 0) FROM syncline.offsets")) >= end
                    && Long.parseLong(StackSql.query(stack, "b", "SELECT coalesce(sum(next_offset), 0) FROM syncline.offsets")) >= end;
        }, () -> "behind");
    }

    private static String sinkName(String site) {
        return stack.sinkConnector(site, new ArrayList<>(TABLES.keySet())).name();
    }

    private static List<String> readTopic(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            var infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            if (infos == null || infos.isEmpty()) {
                return values;
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }
}
