package io.syncline.connector.sink;

import io.syncline.core.ChangeEvent;
import io.syncline.core.SiteId;
import io.syncline.core.apply.OffsetUpdate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * What one {@code put} will do, decided before any database round trip: which partitions the task
 * may write (and with which epoch), which changes to apply, which offsets to store with them, and
 * where to rewind the partitions it may not write now.
 *
 * <p>A partition without a lease is left out from its first record on: the task rewinds it to that
 * record and waits for the lease. In a leased partition every record advances the offset to store,
 * also when it carries no change to apply here (it came from this site, it could not be read and was
 * set aside, or its dot is in the cache of recently applied ones).
 *
 * <pre>{@code
 * BatchPlan plan = BatchPlan.of(records, "orders-west-sink", leases, reader::read, recentDots, self);
 * plan.unleased().forEach(context::offset);
 * applier.apply(connection, plan.events(), plan.offsets(), handler);
 * }</pre>
 */
final class BatchPlan {

    private final String consumer;
    private final List<ChangeEvent> events = new ArrayList<>();
    private final Map<ChangeEvent, SinkRecord> sources = new IdentityHashMap<>();
    private final Map<TopicPartition, Long> epochs = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> nextOffsets = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> unleased = new LinkedHashMap<>();
    private int skippedByDotCache;

    private BatchPlan(String consumer) {
        this.consumer = consumer;
    }

    /**
     * Plans a batch.
     *
     * @param consumer the name the offsets are stored under
     * @param leases the epoch of each partition the task may write now
     * @param reader the change a record carries, empty when it was set aside as unreadable
     * @param recentDots dots applied lately; their changes are skipped
     * @param self this site; its own changes are never applied here
     */
    static BatchPlan of(Collection<SinkRecord> records, String consumer, LeaseLookup leases,
            Function<SinkRecord, Optional<ChangeEvent>> reader, RecentDots recentDots, SiteId self) {
        BatchPlan plan = new BatchPlan(consumer);
        Map<TopicPartition, Boolean> leased = new HashMap<>();
        for (SinkRecord record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition());
            if (!leased.computeIfAbsent(tp, p -> plan.lease(p, leases, record.kafkaOffset()))) {
                continue;
            }
            plan.nextOffsets.merge(tp, record.kafkaOffset() + 1, Math::max);
            Optional<ChangeEvent> event = reader.apply(record).filter(e -> !e.origin().equals(self));
            if (event.isEmpty()) {
                continue;
            }
            if (recentDots.contains(event.get().dot())) {
                plan.skippedByDotCache++;
                continue;
            }
            plan.events.add(event.get());
            plan.sources.put(event.get(), record);
        }
        return plan;
    }

    /** Looks the partition's lease up once per batch; without one, the partition rewinds to {@code offset}. */
    private boolean lease(TopicPartition tp, LeaseLookup leases, long offset) {
        OptionalLong epoch = leases.epoch(tp);
        if (epoch.isEmpty()) {
            unleased.put(tp, offset);
            return false;
        }
        epochs.put(tp, epoch.getAsLong());
        return true;
    }

    /** The changes to apply, in record order. */
    List<ChangeEvent> events() {
        return Collections.unmodifiableList(events);
    }

    /** The record that carried one of {@link #events()}, for the dead-letter topic. */
    SinkRecord source(ChangeEvent event) {
        return sources.get(event);
    }

    /** The epoch of every partition of the batch the task may write. */
    Map<TopicPartition, Long> epochs() {
        return Collections.unmodifiableMap(epochs);
    }

    /** The next offset of every partition the batch writes: one past its last record. */
    Map<TopicPartition, Long> nextOffsets() {
        return Collections.unmodifiableMap(nextOffsets);
    }

    /** The partitions the task may not write now, each with the offset of its first record here. */
    Map<TopicPartition, Long> unleased() {
        return Collections.unmodifiableMap(unleased);
    }

    /** How many changes were skipped because their dots are in the cache of recently applied ones. */
    int skippedByDotCache() {
        return skippedByDotCache;
    }

    /** Whether the batch stores any offset, i.e. holds a record of a partition the task may write. */
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
