package io.syncline.tools.cli;

import io.syncline.conflict.coordinator.CoordinatorClient;
import io.syncline.core.RowId;
import io.syncline.core.apply.GcRoundsTable;
import io.syncline.core.apply.OffsetsTable;
import io.syncline.core.apply.RowMetaTable;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.cli.TombstoneCandidates.Tombstone;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * One round of tombstone garbage collection over a mesh of PostgreSQL sites (docs/design.md,
 * "Tombstones"): (1) the tombstones every site holds with the same vector; (2) a capture barrier at
 * every site (WAL position, then the replication slot confirmed past it); (3) the end offsets of the
 * changes topic, then every site's sink applied past them; (4) at every site, in one transaction each,
 * held open until all sites have deleted, the candidates that are still the same tombstone are
 * deleted, and the round is recorded (coordinator decision log when there is one, and
 * {@code syncline.gc_rounds} at each site).
 *
 * <pre>{@code
 * TombstoneCollection.Round round = new TombstoneCollection(mesh, Duration.ofSeconds(60), System.out::println)
 *         .run(false);
 * }</pre>
 */
public final class TombstoneCollection {

    /**
     * The reserved meta-table name of the barrier write; the capture drops it (a meta change without a
     * row). It is written with {@code local_write = true}, so that the publication ships it.
     */
    static final String BARRIER_TABLE = "syncline.gc_barrier";

    /** Where the round works. */
    public record Mesh(String group, String kafka, String changesTopic, Map<String, Site> sites, String coordinatorPeers) {
        public Mesh {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(kafka, "kafka");
            Objects.requireNonNull(changesTopic, "changesTopic");
            sites = Collections.unmodifiableMap(new LinkedHashMap<>(sites));
            if (sites.isEmpty()) {
                throw new IllegalArgumentException("a mesh needs at least one site");
            }
        }
    }

    /**
     * One PostgreSQL site: how to reach it and its capture's replication slot (by default
     * {@code SyncGroupNames.slot}).
     */
    public record Site(String id, String jdbcUrl, String user, String password, String slot) {
        public Site {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            Objects.requireNonNull(slot, "slot");
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /**
     * What a round did.
     *
     * @param id the round id
     * @param candidates tombstones known everywhere at the start
     * @param tombstones those tombstones (with the first site's vector text)
     * @param collected per site, meta entries deleted (a candidate replaced meanwhile is kept)
     * @param barrier end offset per partition of the changes topic that every sink had applied
     * @param duration from start to the last commit
     * @param dryRun true when nothing was deleted
     */
    public record Round(String id, int candidates, List<Tombstone> tombstones, Map<String, Integer> collected,
            Map<Integer, Long> barrier, Duration duration, boolean dryRun) {
        public Round {
            tombstones = List.copyOf(tombstones);
            collected = Collections.unmodifiableMap(new LinkedHashMap<>(collected));
            barrier = Map.copyOf(barrier);
        }

        /** Entries deleted at the site that deleted the most. */
        public int collectedMax() {
            return collected.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        }
    }

    private final Mesh mesh;
    private final Duration timeout;
    private final Consumer<String> progress;

    /**
     * @param mesh the sites, the broker and the topic
     * @param timeout how long each wait (capture barrier, sinks applied) may take before the round fails
     * @param progress told one line per step
     */
    public TombstoneCollection(Mesh mesh, Duration timeout, Consumer<String> progress) {
        this.mesh = Objects.requireNonNull(mesh, "mesh");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout was " + timeout + ", must be positive");
        }
        this.timeout = timeout;
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /**
     * Runs one round.
     *
     * @param dryRun only find the candidates and report them; no barrier, nothing deleted
     * @throws IllegalStateException when a wait times out (nothing was deleted)
     * @throws SQLException when a site fails a query; the message names it
     */
    public Round run(boolean dryRun) throws SQLException {
        long started = System.nanoTime();
        String id = "gc-" + Instant.now().toEpochMilli() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
        Map<String, Connection> connections = new LinkedHashMap<>();
        try {
            for (Site site : mesh.sites().values()) {
                connections.put(site.id(), connect(site));
            }
            Map<String, Map<RowId, Tombstone>> tombstones = new LinkedHashMap<>();
            for (Map.Entry<String, Connection> c : connections.entrySet()) {
                tombstones.put(c.getKey(), tombstones(c.getKey(), c.getValue()));
            }
            List<Tombstone> candidates = TombstoneCandidates.select(tombstones.values());
            progress.accept("round " + id + ": " + candidates.size() + " tombstone(s) known at every site ("
                    + describeCounts(tombstones) + ")");
            if (dryRun || candidates.isEmpty()) {
                return new Round(id, candidates.size(), candidates, zeroCounts(), Map.of(), elapsed(started), dryRun);
            }
            long barrierStarted = System.nanoTime();
            Map<String, String> positions = new LinkedHashMap<>();
            for (Site site : mesh.sites().values()) {
                positions.put(site.id(), walPosition(connections.get(site.id())));
                barrierWrite(connections.get(site.id()), id);
            }
            for (Site site : mesh.sites().values()) {
                captureBarrier(site, connections.get(site.id()), id, positions.get(site.id()));
            }
            progress.accept("capture barrier passed at every site (" + elapsed(barrierStarted).toMillis() + " ms)");
            long applyStarted = System.nanoTime();
            Map<Integer, Long> ends = endOffsets();
            for (Map.Entry<String, Connection> c : connections.entrySet()) {
                awaitApplied(c.getKey(), c.getValue(), ends);
            }
            progress.accept("every sink applied the changes topic to " + ends + " (" + elapsed(applyStarted).toMillis()
                    + " ms)");
            recordDecision(id, candidates.size(), ends);
            Map<String, Integer> collected = collect(connections, tombstones, candidates, id, ends);
            Round round = new Round(id, candidates.size(), candidates, collected, ends, elapsed(started), false);
            progress.accept("round " + id + ": collected " + collected + " in " + round.duration().toMillis() + " ms");
            return round;
        } finally {
            for (Connection c : connections.values()) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // The round's outcome is decided; a failing close changes nothing.
                }
            }
        }
    }

    private static Connection connect(Site site) throws SQLException {
        Properties props = new Properties();
        if (site.user() != null) {
            props.setProperty("user", site.user());
        }
        if (site.password() != null) {
            props.setProperty("password", site.password());
        }
        props.setProperty("connectTimeout", "10");
        props.setProperty("ApplicationName", "syncline gc");
        try {
            return DriverManager.getConnection(site.jdbcUrl(), props);
        } catch (SQLException e) {
            throw new SQLException("site " + site.id() + " is unreachable: " + e.getMessage(), e.getSQLState(), e);
        }
    }

    private static Map<RowId, Tombstone> tombstones(String site, Connection c) throws SQLException {
        Map<RowId, Tombstone> found = new LinkedHashMap<>();
        try {
            RowMetaTable.tombstones(c, BARRIER_TABLE).forEach((id, vv) -> {
                Tombstone t = new Tombstone(id.table(), id.key(), vv);
                found.put(t.key(), t);
            });
        } catch (SQLException e) {
            throw new SQLException("site " + site + ": reading tombstones failed: " + e.getMessage(), e.getSQLState(), e);
        }
        return found;
    }

    /**
     * Given the WAL insert position {@code L} taken after step 1, writes a harmless captured change
     * (a meta entry of a reserved table, inserted and deleted) every 2 s until the slot has confirmed {@code L}:
     * every transaction committed at the site before {@code L} is then in Kafka.
     */
    private void captureBarrier(Site site, Connection c, String roundId, String lsn) {
        long[] lastWrite = {System.nanoTime()};
        String[] seen = {"nothing"};
        Deadlines.await("the replication slot " + site.slot() + " of site " + site.id() + " confirmed WAL position "
                + lsn, timeout, () -> {
                    if (System.nanoTime() - lastWrite[0] > 2_000_000_000L) {
                        barrierWrite(c, roundId);
                        lastWrite[0] = System.nanoTime();
                    }
                    try (PreparedStatement ps = c.prepareStatement("""
                            SELECT confirmed_flush_lsn::text, confirmed_flush_lsn >= ?::pg_lsn
                              FROM pg_replication_slots WHERE slot_name = ?""")) {
                        ps.setString(1, lsn);
                        ps.setString(2, site.slot());
                        try (ResultSet rs = ps.executeQuery()) {
                            if (!rs.next()) {
                                throw new IllegalStateException("site " + site.id() + " has no replication slot "
                                        + site.slot() + "; is its source connector running? (name the slot with "
                                        + "\"slot\" in the mesh JSON)");
                            }
                            seen[0] = "confirmed " + rs.getString(1);
                            return rs.getBoolean(2);
                        }
                    }
                }, () -> seen[0]);
    }

    /** The WAL insert position now; every site's is taken (and written past) before any is waited for. */
    private static String walPosition(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void barrierWrite(Connection c, String roundId) throws SQLException {
        RowMetaTable.writeMarker(c, new RowId(BARRIER_TABLE, roundId));
    }

    private Map<Integer, Long> endOffsets() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, mesh.kafka());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "syncline-gc");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        try (Admin admin = Admin.create(props)) {
            TopicDescription topic = admin.describeTopics(List.of(mesh.changesTopic())).allTopicNames().get()
                    .get(mesh.changesTopic());
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            topic.partitions().forEach(p -> latest.put(new TopicPartition(mesh.changesTopic(), p.partition()),
                    OffsetSpec.latest()));
            Map<Integer, Long> ends = new TreeMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
            return ends;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the end offsets of " + mesh.changesTopic() + " at "
                    + mesh.kafka() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the end offsets of " + mesh.changesTopic(), e);
        }
    }

    /** Waits until the site's sink stored, for every partition, a next offset at or past the end offset. */
    private void awaitApplied(String site, Connection c, Map<Integer, Long> ends) {
        String[] seen = {"nothing"};
        Deadlines.await("the sink of site " + site + " applied " + mesh.changesTopic() + " to " + ends, timeout, () -> {
            // Every consumer that stored offsets of the topic here must be past: a stale one only delays.
            Map<Integer, Long> applied = OffsetsTable.lowestPositions(c, mesh.changesTopic());
            seen[0] = "applied " + applied;
            return ends.entrySet().stream().allMatch(e -> e.getValue() == 0
                    || applied.getOrDefault(e.getKey(), 0L) >= e.getValue());
        }, () -> seen[0]);
    }

    private void recordDecision(String id, int candidates, Map<Integer, Long> ends) {
        if (mesh.coordinatorPeers() == null || mesh.coordinatorPeers().isBlank()) {
            return;
        }
        String proposal = "{\"round\":\"" + id + "\",\"tombstones\":" + candidates + ",\"sites\":"
                + mesh.sites().size() + ",\"appliedEverywhere\":\"" + ends + "\"}";
        try (CoordinatorClient client = CoordinatorClient.connect(mesh.coordinatorPeers())) {
            client.decide(mesh.group(), "gc/" + id, proposal);
        } catch (Exception e) {
            throw new IllegalStateException("recording round " + id + " in the coordinator failed (nothing was "
                    + "deleted): " + e.getMessage(), e);
        }
        progress.accept("round " + id + " recorded in the coordinator's decision log");
    }

    /**
     * Deletes at every site, each in its own transaction, and commits only once every site has deleted:
     * until then the deleted entries stay locked everywhere, so no site can write a key whose tombstone
     * it dropped while another site still holds it (docs/design.md).
     */
    private Map<String, Integer> collect(Map<String, Connection> connections, Map<String, Map<RowId, Tombstone>> tombstones,
            List<Tombstone> candidates, String id, Map<Integer, Long> ends) throws SQLException {
        Map<String, Integer> collected = new LinkedHashMap<>();
        List<Connection> open = new ArrayList<>();
        try {
            for (Map.Entry<String, Connection> entry : connections.entrySet()) {
                String site = entry.getKey();
                Connection c = entry.getValue();
                c.setAutoCommit(false);
                open.add(c);
                try (Statement st = c.createStatement()) {
                    st.execute("SET LOCAL lock_timeout = '" + Math.max(1, timeout.toSeconds()) + "s'");
                }
                // Each site deletes its own entry only if it still holds the vector text it had.
                Map<RowId, String> vectors = new LinkedHashMap<>();
                for (Tombstone t : candidates) {
                    vectors.put(t.key(), tombstones.get(site).get(t.key()).vv());
                }
                int deleted = RowMetaTable.deleteTombstones(c, vectors);
                GcRoundsTable.record(c, id, candidates.size(), deleted, ends.toString());
                collected.put(site, deleted);
            }
        } catch (SQLException | RuntimeException e) {
            for (Connection c : open) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // Closing the connection rolls back too.
                }
            }
            throw new SQLException("round " + id + " deleted nothing (rolled back at every site): " + e.getMessage(), e);
        }
        List<String> committed = new ArrayList<>();
        for (Map.Entry<String, Connection> entry : connections.entrySet()) {
            try {
                entry.getValue().commit();
                committed.add(entry.getKey());
            } catch (SQLException e) {
                throw new SQLException("round " + id + ": site " + entry.getKey() + " failed to commit after sites "
                        + committed + " committed; run syncline gc again at once, and syncline verify: "
                        + e.getMessage(), e);
            }
        }
        return collected;
    }

    private Map<String, Integer> zeroCounts() {
        Map<String, Integer> zero = new LinkedHashMap<>();
        mesh.sites().keySet().forEach(s -> zero.put(s, 0));
        return zero;
    }

    private static String describeCounts(Map<String, Map<RowId, Tombstone>> tombstones) {
        List<String> parts = new ArrayList<>();
        tombstones.forEach((site, found) -> parts.add(site + " holds " + found.size()));
        return String.join(", ", parts);
    }

    private static Duration elapsed(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
