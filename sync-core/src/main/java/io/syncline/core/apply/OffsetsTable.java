package io.syncline.core.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every statement on {@code syncline.offsets}: per consumer (a sink's name), topic and partition, the
 * next offset the site applied and the lease epoch of the writer that holds the partition. Storing an
 * offset and claiming a partition differ per engine and are answered by each engine's {@link Dialect};
 * the public methods read and seed positions and are plain SQL unless they say otherwise.
 *
 * <pre>{@code
 * Map<Integer, Long> next = OffsetsTable.stored(connection, "syncline-orders-west-sink", "orders.changes");
 * }</pre>
 */
public final class OffsetsTable {

    /** The table's qualified name. */
    public static final String NAME = "syncline.offsets";

    /**
     * One partition's stored position.
     *
     * @param nextOffset null while the partition is only claimed
     * @param updatedAt when it was last stored or claimed
     * @param ageMillis how long ago that was, by the site's clock
     */
    public record Position(String topic, int partition, Long nextOffset, long epoch, Instant updatedAt,
            long ageMillis) {
    }

    static final String POSTGRES_STORE = """
            INSERT INTO syncline.offsets (consumer, topic, kafka_partition, next_offset, epoch)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (consumer, topic, kafka_partition) DO UPDATE
               SET next_offset = EXCLUDED.next_offset, epoch = EXCLUDED.epoch, updated_at = clock_timestamp()
             WHERE syncline.offsets.epoch <= EXCLUDED.epoch""";

    static final String POSTGRES_CLAIM = """
            INSERT INTO syncline.offsets (consumer, topic, kafka_partition, next_offset, epoch)
            VALUES (?, ?, ?, NULL, ?)
            ON CONFLICT (consumer, topic, kafka_partition) DO UPDATE
               SET epoch = EXCLUDED.epoch, updated_at = clock_timestamp()
             WHERE syncline.offsets.epoch <= EXCLUDED.epoch""";

    static final String MARIADB_HELD_EPOCH = "SELECT epoch FROM syncline.offsets "
            + "WHERE consumer = ? AND topic = ? AND kafka_partition = ? FOR UPDATE";

    static final String MARIADB_STORE = """
            INSERT INTO syncline.offsets (consumer, topic, kafka_partition, next_offset, epoch)
            VALUES (?, ?, ?, ?, ?)
            ON DUPLICATE KEY UPDATE next_offset = VALUES(next_offset), epoch = VALUES(epoch),
                updated_at = current_timestamp(6)""";

    static final String MARIADB_CLAIM = """
            INSERT INTO syncline.offsets (consumer, topic, kafka_partition, next_offset, epoch)
            VALUES (?, ?, ?, NULL, ?)
            ON DUPLICATE KEY UPDATE epoch = VALUES(epoch), updated_at = current_timestamp(6)""";

    private static final String STORED = "SELECT kafka_partition, next_offset "
            + "FROM syncline.offsets WHERE consumer = ? AND topic = ? AND next_offset IS NOT NULL";

    private static final String HIGHEST_STORED = "SELECT kafka_partition, max(next_offset) FROM "
            + "syncline.offsets WHERE topic = ? AND next_offset IS NOT NULL GROUP BY kafka_partition";

    private static final String LOWEST_STORED = "SELECT kafka_partition, min(next_offset) FROM "
            + "syncline.offsets WHERE topic = ? AND next_offset IS NOT NULL GROUP BY kafka_partition";

    private static final String LOWEST_POSITIONS = """
            SELECT kafka_partition, min(coalesce(next_offset, 0)) FROM syncline.offsets
             WHERE topic = ? GROUP BY kafka_partition""";

    private static final String INSERT_START = "INSERT INTO syncline.offsets (consumer, topic, "
            + "kafka_partition, next_offset, epoch) VALUES (?, ?, ?, ?, 0)";

    private static final String TOTAL = "SELECT coalesce(sum(next_offset), 0) FROM syncline.offsets";

    private static final String OF_CONSUMER = """
            SELECT topic, kafka_partition, next_offset, epoch, updated_at,
                   (EXTRACT(EPOCH FROM clock_timestamp() - updated_at) * 1000)::bigint
              FROM syncline.offsets WHERE consumer = ? ORDER BY topic, kafka_partition""";

    /** The same for MariaDB; its timestamp(6) is read as epoch milliseconds, free of the session's time zone. */
    private static final String OF_CONSUMER_MARIADB = """
            SELECT topic, kafka_partition, next_offset, epoch,
                   CAST(ROUND(UNIX_TIMESTAMP(updated_at) * 1000) AS SIGNED),
                   CAST(ROUND((UNIX_TIMESTAMP(NOW(6)) - UNIX_TIMESTAMP(updated_at)) * 1000) AS SIGNED)
              FROM syncline.offsets WHERE consumer = ? ORDER BY topic, kafka_partition""";

    private OffsetsTable() {
    }

    /** The next offsets a consumer stored for a topic, by partition; a partition only claimed is left out. */
    public static Map<Integer, Long> stored(Connection connection, String consumer, String topic)
            throws SQLException {
        Map<Integer, Long> offsets = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(STORED)) {
            ps.setString(1, consumer);
            ps.setString(2, topic);
            readPartitions(ps, offsets);
        }
        return offsets;
    }

    /**
     * Per partition of a topic, the highest next offset any consumer at the site stored: how far the
     * site has applied it (a capture's floor for the dependencies of the site's own transactions).
     */
    public static Map<Integer, Long> highestStored(Connection connection, String topic) throws SQLException {
        return perPartition(connection, HIGHEST_STORED, topic);
    }

    /**
     * Per partition of a topic, the lowest next offset any consumer at the site stored; a partition
     * only claimed is left out.
     */
    public static Map<Integer, Long> lowestStored(Connection connection, String topic) throws SQLException {
        return perPartition(connection, LOWEST_STORED, topic);
    }

    /**
     * Per partition of a topic, the lowest position of any consumer at the site, where a partition a
     * consumer has only claimed counts as 0 (nothing applied yet).
     */
    public static Map<Integer, Long> lowestPositions(Connection connection, String topic) throws SQLException {
        return perPartition(connection, LOWEST_POSITIONS, topic);
    }

    /** Stores where a new consumer starts, by partition, with epoch 0 (no writer holds the partitions yet). */
    public static void insertStart(Connection connection, String consumer, String topic, Map<Integer, Long> offsets)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(INSERT_START)) {
            for (Map.Entry<Integer, Long> offset : offsets.entrySet()) {
                ps.setString(1, consumer);
                ps.setString(2, topic);
                ps.setInt(3, offset.getKey());
                ps.setLong(4, offset.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The sum of every next offset stored at the site, over all consumers, topics and partitions. */
    public static long totalNextOffsets(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(TOTAL); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every position a consumer stored or claimed, by topic and partition (PostgreSQL). */
    public static List<Position> ofConsumer(Connection connection, String consumer) throws SQLException {
        return ofConsumer(connection, Engine.POSTGRES, consumer);
    }

    /** Every position a consumer stored or claimed, by topic and partition, at a site of {@code engine}. */
    public static List<Position> ofConsumer(Connection connection, Engine engine, String consumer) throws SQLException {
        List<Position> positions = new ArrayList<>();
        boolean mariaDb = engine == Engine.MARIADB;
        try (PreparedStatement ps = connection.prepareStatement(mariaDb ? OF_CONSUMER_MARIADB : OF_CONSUMER)) {
            ps.setString(1, consumer);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long next = rs.getLong(3);
                    Long nextOffset = rs.wasNull() ? null : next;
                    Instant updated;
                    if (mariaDb) {
                        long millis = rs.getLong(5);
                        updated = rs.wasNull() ? null : Instant.ofEpochMilli(millis);
                    } else {
                        OffsetDateTime at = rs.getObject(5, OffsetDateTime.class);
                        updated = at == null ? null : at.toInstant();
                    }
                    positions.add(new Position(rs.getString(1), rs.getInt(2), nextOffset, rs.getLong(4), updated,
                            rs.getLong(6)));
                }
            }
        }
        return positions;
    }

    private static Map<Integer, Long> perPartition(Connection connection, String sql, String topic) throws SQLException {
        Map<Integer, Long> offsets = new TreeMap<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, topic);
            readPartitions(ps, offsets);
        }
        return offsets;
    }

    private static void readPartitions(PreparedStatement ps, Map<Integer, Long> into) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                into.put(rs.getInt(1), rs.getLong(2));
            }
        }
    }
}
