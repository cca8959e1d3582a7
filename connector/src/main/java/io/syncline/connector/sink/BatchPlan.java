package io.syncline.connector.sink;

import io.syncline.core.ChangeEvent;
import io.syncline.core.apply.OffsetUpdate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * What one {@code put} will do, decided before any database round trip ({@link TransactionInbox#plan}
 * decides it): the whole source transactions to apply, in order, the partitions the task writes
 * (with their epochs) and the position to store for each, and where to rewind the partitions it may
 * not write now.
 *
 * <pre>{@code
 * BatchPlan plan = inbox.plan(frontier, 5_000);
 * applier.apply(connection, plan.events(), plan.offsets(), handler);
 * inbox.committed(plan);
 * }</pre>
 */
final class BatchPlan {

    private final String consumer;
    private final List<ChangeEvent> events;
    private final Map<ChangeEvent, SinkRecord> sources;
    private final Map<TopicPartition, Long> epochs;
    private final Map<TopicPartition, Long> nextOffsets;
    private final Map<TopicPartition, Long> unleased;
    private final int skippedByDotCache;
    private final List<TransactionInbox.Transaction> transactions;
    private final List<TransactionInbox.Wait> waits;

    BatchPlan(String consumer, List<ChangeEvent> events, Map<ChangeEvent, SinkRecord> sources,
            Map<TopicPartition, Long> epochs, Map<TopicPartition, Long> nextOffsets, Map<TopicPartition, Long> unleased,
            int skippedByDotCache, List<TransactionInbox.Transaction> transactions, List<TransactionInbox.Wait> waits) {
        this.consumer = consumer;
        this.events = List.copyOf(events);
        this.sources = new IdentityHashMap<>(sources);
        this.epochs = Collections.unmodifiableMap(new LinkedHashMap<>(epochs));
        this.nextOffsets = Collections.unmodifiableMap(new LinkedHashMap<>(nextOffsets));
        this.unleased = Collections.unmodifiableMap(new LinkedHashMap<>(unleased));
        this.skippedByDotCache = skippedByDotCache;
        this.transactions = List.copyOf(transactions);
        this.waits = List.copyOf(waits);
    }

    /** The changes to apply: whole transactions, each in its origin's order. */
    List<ChangeEvent> events() {
        return events;
    }

    /** The record that carried one of {@link #events()}, for the dead-letter topic. */
    SinkRecord source(ChangeEvent event) {
        return sources.get(event);
    }

    /** The epoch of every partition whose position the batch stores. */
    Map<TopicPartition, Long> epochs() {
        return epochs;
    }

    /** The position the batch stores for each partition: its first record not applied after the batch. */
    Map<TopicPartition, Long> nextOffsets() {
        return nextOffsets;
    }

    /** The partitions the task may not write now, each with the offset to rewind it to. */
    Map<TopicPartition, Long> unleased() {
        return unleased;
    }

    /** How many changes were skipped because their dots are in the cache of recently applied ones. */
    int skippedByDotCache() {
        return skippedByDotCache;
    }

    /** The source transactions of the batch (records of their own included). */
    List<TransactionInbox.Transaction> transactions() {
        return transactions;
    }

    /** The dependency waits that ended with this batch, by origin. */
    List<TransactionInbox.Wait> waits() {
        return waits;
    }

    /** Whether the batch stores any position. */
    boolean hasOffsets() {
        return !nextOffsets.isEmpty();
    }

    /** The offsets to store with the batch, each with its partition's epoch (the fence). */
    List<OffsetUpdate> offsets() {
        List<OffsetUpdate> offsets = new ArrayList<>(nextOffsets.size());
        nextOffsets.forEach((tp, next) -> offsets.add(new OffsetUpdate(consumer, tp.topic(), tp.partition(), next,
                epochs.get(tp))));
        return offsets;
    }
}
