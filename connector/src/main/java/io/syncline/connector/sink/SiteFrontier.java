package io.syncline.connector.sink;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far the site has applied the partitions a task holds nothing of (another task of the
 * connector applies them, or none of their records arrived since the task opened them): the
 * positions stored in the site's {@code syncline.offsets}, read at most every
 * {@value #REFRESH_MILLIS} ms per topic, and only when a waiting transaction asks.
 */
final class SiteFrontier implements TransactionInbox.Frontier {

    private static final Logger LOG = LoggerFactory.getLogger(SiteFrontier.class);
    static final long REFRESH_MILLIS = 250;

    /** Reads the positions stored for a topic, by partition. */
    @FunctionalInterface
    interface StoredPositions {
        Map<Integer, Long> read(String topic) throws SQLException;
    }

    private final StoredPositions stored;
    private final LongSupplier nanoTime;
    private final Map<String, Map<Integer, Long>> positions = new HashMap<>();
    private final Map<String, Long> readAt = new HashMap<>();

    SiteFrontier(StoredPositions stored, LongSupplier nanoTime) {
        this.stored = stored;
        this.nanoTime = nanoTime;
    }

    @Override
    public long applied(TopicPartition tp) {
        long now = nanoTime.getAsLong();
        Long last = readAt.get(tp.topic());
        if (last == null || now - last >= REFRESH_MILLIS * 1_000_000) {
            readAt.put(tp.topic(), now);
            try {
                positions.put(tp.topic(), new HashMap<>(stored.read(tp.topic())));
            } catch (SQLException e) {
                LOG.debug("Could not read the stored positions of {} ({}); a waiting transaction waits on", tp.topic(),
                        e.getMessage());
            }
        }
        return positions.getOrDefault(tp.topic(), Map.of()).getOrDefault(tp.partition(), 0L);
    }

    /** Positions this task just stored. */
    void appliedHere(Map<TopicPartition, Long> nextOffsets) {
        nextOffsets.forEach((tp, next) -> positions.computeIfAbsent(tp.topic(), t -> new HashMap<>())
                .merge(tp.partition(), next, Math::max));
    }
}
