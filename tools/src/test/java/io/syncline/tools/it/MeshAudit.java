package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.ChangeEnvelopeCodec;
import io.syncline.core.ChangeEvent;
import io.syncline.core.VersionVector;
import io.syncline.core.site.TableRef;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.cli.MeshVerification;
import io.syncline.tools.cli.TableVerdict;
import io.syncline.tools.embedded.EmbeddedStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What a fault test proves at its end, for a set of tables:
 * <ul>
 *   <li>every site holds the same rows ({@code verify});</li>
 *   <li>no dot is in any site's apply ledger twice, no site applied its own change, and every applied
 *       dot is a change some site shipped;</li>
 *   <li>nothing is lost: every change shipped on the changes topic is contained in the final version
 *       vector of its row at every site (it was applied there, or superseded by a version that saw it,
 *       or lost a logged conflict).</li>
 * </ul>
 */
final class MeshAudit {

    /** What the audit counted, for the test's report. */
    record Counts(long shippedDots, long shippedRecords, Map<String, Long> appliedBySite) {
        long duplicatesOnTopic() {
            return shippedRecords - shippedDots;
        }
    }

    private MeshAudit() {
    }

    /** Waits until every site consumed the changes topic to its end and the tables are equal everywhere. */
    static void awaitConverged(EmbeddedStack stack, List<String> tables, Duration timeout) {
        Deadlines.await("every site consumed everything and " + tables + " are equal at every site", timeout, () -> {
            long end;
            try {
                end = stack.kafka().endOffsetsSum(stack.changesTopic());
            } catch (IllegalStateException e) {
                throw new Exception(e); // the broker is still busy: not yet
            }
            Map<String, Connection> c = connections(stack);
            try {
                for (Connection site : c.values()) {
                    if (queryLong(site, "SELECT coalesce(sum(next_offset), 0) FROM syncline.offsets") < end) {
                        return false;
                    }
                }
                for (String table : tables) {
                    if (!MeshVerification.withDefaults().verify(c, TableRef.parse(table)).equal()) {
                        return false;
                    }
                }
                return stack.kafka().endOffsetsSum(stack.changesTopic()) == end;
            } finally {
                close(c);
            }
        }, () -> "differences " + differences(stack, tables) + ", failures " + stack.failures());
    }

    /** The whole audit (see the class comment); returns what it counted. */
    static Counts assertExactlyOnceAndNothingLost(EmbeddedStack stack, String table, String context) throws Exception {
        Map<String, Connection> c = connections(stack);
        try {
            TableVerdict verdict = MeshVerification.withDefaults().verify(c, TableRef.parse(table));
            assertThat(verdict.equal()).as("%s: %s equal at every site (%s keys differ: %s)", context, table,
                    verdict.differingKeys(), verdict.problems()).isTrue();

            Map<String, Long> shipped = new HashMap<>(); // dot key -> record count on the topic
            Map<String, ChangeEvent> byDot = new HashMap<>();
            readShipped(stack, table, shipped, byDot);
            assertThat(shipped).as("%s: changes of %s shipped", context, table).isNotEmpty();

            Map<String, Long> appliedBySite = new LinkedHashMap<>();
            for (Map.Entry<String, Connection> site : c.entrySet()) {
                String id = site.getKey();
                Connection db = site.getValue();
                long applied = queryLong(db, "SELECT count(*) FROM syncline.apply_ledger WHERE table_name = ?", table);
                long distinct = queryLong(db, "SELECT count(DISTINCT (dot_origin, dot_seq)) FROM syncline.apply_ledger "
                        + "WHERE table_name = ?", table);
                appliedBySite.put(id, applied);
                assertThat(applied - distinct).as("%s: dots applied twice at %s", context, id).isZero();
                List<String> ledger = ledgerDots(db, table);
                assertThat(ledger).as("%s: own changes applied at %s", context, id)
                        .noneMatch(dot -> dot.startsWith(id + ":"));
                assertThat(ledger).as("%s: dots applied at %s that no site shipped", context, id)
                        .allMatch(shipped::containsKey);

                Map<String, VersionVector> finalVectors = finalVectors(db, table);
                List<String> lost = new ArrayList<>();
                for (ChangeEvent e : byDot.values()) {
                    VersionVector v = finalVectors.get(e.key());
                    if (v == null || v.get(e.dot().origin()) < e.dot().sequence()) {
                        lost.add(e.dot().key() + " (key " + e.key() + ", final vv " + v + ")");
                    }
                }
                assertThat(lost).as("%s: changes shipped but not contained in %s's final versions", context, id)
                        .isEmpty();
            }
            long records = shipped.values().stream().mapToLong(Long::longValue).sum();
            return new Counts(shipped.size(), records, appliedBySite);
        } finally {
            close(c);
        }
    }

    /** Reads the changes topic to its end: how often each dot of {@code table} was shipped, and one event of each. */
    static void readShipped(EmbeddedStack stack, String table, Map<String, Long> shipped,
            Map<String, ChangeEvent> byDot) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        ChangeEnvelopeCodec codec = new ChangeEnvelopeCodec();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(stack.changesTopic()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Deadlines.await("the changes topic read to its end", Duration.ofSeconds(120), () -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    ChangeEvent event = codec.decode(record.value());
                    if (event.table().equals(table)) {
                        shipped.merge(event.dot().key(), 1L, Long::sum);
                        byDot.putIfAbsent(event.dot().key(), event);
                    }
                }
                for (TopicPartition tp : partitions) {
                    if (consumer.position(tp) < end.get(tp)) {
                        return false;
                    }
                }
                return true;
            }, () -> shipped.size() + " dots read");
        }
    }

    private static List<String> ledgerDots(Connection c, String table) throws SQLException {
        List<String> dots = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT dot_origin, dot_seq FROM syncline.apply_ledger WHERE table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    dots.add(rs.getString(1) + ":" + rs.getLong(2));
                }
            }
        }
        return dots;
    }

    private static Map<String, VersionVector> finalVectors(Connection c, String table) throws SQLException {
        Map<String, VersionVector> vectors = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT pk, vv FROM syncline.row_meta WHERE table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    vectors.put(rs.getString(1), VersionVector.parse(rs.getString(2)));
                }
            }
        }
        return vectors;
    }

    /** When each probe was applied at each site: probe id -> site -> applied_at (ms). */
    static Map<String, Map<String, Long>> probeArrivals(EmbeddedStack stack, String probeTable, Set<String> ids)
            throws SQLException {
        Map<String, Map<String, Long>> arrivals = new HashMap<>();
        Map<String, Connection> c = connections(stack);
        try {
            for (Map.Entry<String, Connection> site : c.entrySet()) {
                try (PreparedStatement ps = site.getValue().prepareStatement("SELECT pk, "
                        + "(extract(epoch FROM applied_at) * 1000)::bigint FROM syncline.apply_ledger "
                        + "WHERE table_name = ? AND pk = ANY (?)")) {
                    ps.setString(1, probeTable);
                    ps.setArray(2, site.getValue().createArrayOf("text", ids.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            arrivals.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                                    .put(site.getKey(), rs.getLong(2));
                        }
                    }
                }
            }
        } finally {
            close(c);
        }
        return arrivals;
    }

    /** Per site: sessions waiting for a lock, and open transactions whose client is idle (a paused writer). */
    static String sessions(EmbeddedStack stack) {
        StringBuilder sb = new StringBuilder();
        for (String site : stack.sites().keySet()) {
            try (Connection c = stack.site(site).connect(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), "
                            + "count(*) FILTER (WHERE state = 'idle in transaction'), "
                            + "coalesce(max(extract(epoch FROM now() - state_change)) FILTER "
                            + "(WHERE state = 'idle in transaction'), 0)::int FROM pg_stat_activity")) {
                rs.next();
                sb.append(site).append(": ").append(rs.getLong(1)).append(" waiting for a lock, ").append(rs.getLong(2))
                        .append(" idle in transaction (longest ").append(rs.getInt(3)).append(" s); ");
            } catch (SQLException e) {
                sb.append(site).append(": ? (").append(e.getMessage()).append("); ");
            }
        }
        return sb.toString();
    }

    static String differences(EmbeddedStack stack, List<String> tables) {
        try {
            Map<String, Connection> c = connections(stack);
            try {
                StringBuilder sb = new StringBuilder();
                for (String table : tables) {
                    TableVerdict v = MeshVerification.withDefaults().verify(c, TableRef.parse(table));
                    sb.append(table).append(": ").append(v.differingKeys()).append(" keys ").append(v.problems())
                            .append("; ");
                }
                return sb.toString();
            } finally {
                close(c);
            }
        } catch (SQLException e) {
            return "? (" + e.getMessage() + ")";
        }
    }

    static Map<String, Connection> connections(EmbeddedStack stack) throws SQLException {
        Map<String, Connection> c = new LinkedHashMap<>();
        try {
            for (String site : stack.sites().keySet()) {
                c.put(site, stack.site(site).connect());
            }
        } catch (SQLException e) {
            close(c);
            throw e;
        }
        return c;
    }

    static void close(Map<String, Connection> c) {
        for (Connection connection : c.values()) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing is best effort
            }
        }
    }

    static long queryLong(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

}
