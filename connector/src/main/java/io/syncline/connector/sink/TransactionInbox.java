package io.syncline.connector.sink;

import io.syncline.core.ChangeEnvelopeCodec;
import io.syncline.core.ChangeEvent;
import io.syncline.core.SiteId;
import io.syncline.core.SourceTransaction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The records a sink task received and has not applied yet, gathered into whole source
 * transactions, and the batches planned from them: only complete transactions, each after every
 * earlier one of its partition (an origin's stream is in its commit order) and only once the site
 * has applied what the transaction depends on ({@link SourceTransaction#dependencies()}), which an
 * earlier transaction of the same batch may provide.
 *
 * <p>A partition's applied position is the offset of its first record that is not applied yet
 * (records of transactions still incomplete, waiting, or not yet planned), or one past its last
 * record: the contiguous prefix every site computes the same way from the same records, which is
 * what the dependencies of other sites' transactions name.
 *
 * <p>Records that carry nothing to apply here (this site's own changes, records set aside as
 * unreadable, changes whose dot was applied lately) and envelopes of the previous format (no
 * transaction) are transactions of their own. The events of a transaction that a restarted capture
 * shipped again are merged with those already held, by dot: a replay can only add, never split.
 *
 * <pre>{@code
 * TransactionInbox inbox = new TransactionInbox("orders-west-sink", west, reader::read, recentDots, System::nanoTime);
 * inbox.receive(records, leases);
 * BatchPlan plan = inbox.plan(frontier, 5_000);
 * ... apply the plan in one database transaction ...
 * inbox.committed(plan);
 * }</pre>
 */
final class TransactionInbox {

    /** How far the site has applied a partition, as far as the task knows: stored here, or by another task. */
    @FunctionalInterface
    interface Frontier {
        /** The next offset applied at the site of a partition this inbox holds nothing of; 0 if unknown. */
        long applied(TopicPartition partition);
    }

    /** A source transaction of one partition, or a record of its own. */
    static final class Transaction {
        private final String origin;
        private final long firstOffset;
        private final List<ChangeEvent> events = new ArrayList<>();
        private final List<SinkRecord> sources = new ArrayList<>();
        private final Set<String> dots = new HashSet<>();
        private final TreeMap<Integer, Long> dependencies = new TreeMap<>();
        private int records;
        private int skippedByDotCache;
        private long waitingSince = -1;

        Transaction(String origin, long firstOffset) {
            this.origin = origin;
            this.firstOffset = firstOffset;
        }

        String origin() {
            return origin;
        }

        List<ChangeEvent> events() {
            return events;
        }
    }

    private static final class Partition {
        long nextSeen = -1;
        long stored = -1;
        final TreeMap<Long, Transaction> open = new TreeMap<>();
        final Map<String, Transaction> incomplete = new HashMap<>();
        final ArrayDeque<Transaction> complete = new ArrayDeque<>();
        int held;
    }

    /** A wait for dependencies that ended: the origin whose transaction waited, and how long. */
    record Wait(String origin, long nanos) {
    }

    private final String consumer;
    private final SiteId self;
    private final Function<SinkRecord, Optional<ChangeEnvelopeCodec.Envelope>> reader;
    private final RecentDots recentDots;
    private final LongSupplier nanoTime;
    private final Map<TopicPartition, Partition> partitions = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> epochs = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> unleased = new LinkedHashMap<>();
    private final Set<TopicPartition> waiting = new HashSet<>();

    /**
     * @param consumer the name the offsets are stored under
     * @param self this site; its own changes are never applied here
     * @param reader the envelope a record carries, empty when it was set aside as unreadable
     * @param recentDots dots applied lately; their changes are skipped
     * @param nanoTime the clock dependency waits are measured with
     */
    TransactionInbox(String consumer, SiteId self, Function<SinkRecord, Optional<ChangeEnvelopeCodec.Envelope>> reader,
            RecentDots recentDots, LongSupplier nanoTime) {
        this.consumer = consumer;
        this.self = self;
        this.reader = reader;
        this.recentDots = recentDots;
        this.nanoTime = nanoTime;
    }

    /**
     * Takes the records Connect delivered. A partition the task may not write now (no lease) is
     * dropped from the inbox from its first unapplied record on, which {@link #unleased()} names so
     * the task can rewind it there; a record received before is ignored.
     */
    void receive(Collection<SinkRecord> records, LeaseLookup leases) {
        unleased.clear();
        epochs.clear();
        Set<TopicPartition> present = new HashSet<>(partitions.keySet());
        for (SinkRecord record : records) {
            present.add(new TopicPartition(record.topic(), record.kafkaPartition()));
        }
        for (TopicPartition tp : present) {
            OptionalLong epoch = leases.epoch(tp);
            if (epoch.isPresent()) {
                epochs.put(tp, epoch.getAsLong());
            }
        }
        for (SinkRecord record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition());
            if (!epochs.containsKey(tp)) {
                unleased.putIfAbsent(tp, firstUnapplied(tp).orElse(record.kafkaOffset()));
                continue;
            }
            Partition p = partitions.computeIfAbsent(tp, t -> new Partition());
            if (p.nextSeen >= 0 && record.kafkaOffset() < p.nextSeen) {
                continue;
            }
            p.nextSeen = record.kafkaOffset() + 1;
            add(p, record);
        }
        for (TopicPartition tp : present) {
            if (!epochs.containsKey(tp) && partitions.containsKey(tp)) {
                firstUnapplied(tp).ifPresent(offset -> unleased.putIfAbsent(tp, offset));
                forget(List.of(tp));
            }
        }
    }

    private void add(Partition p, SinkRecord record) {
        Optional<ChangeEnvelopeCodec.Envelope> read = reader.apply(record);
        ChangeEvent event = read.map(ChangeEnvelopeCodec.Envelope::event).orElse(null);
        Optional<SourceTransaction> tx = read.flatMap(ChangeEnvelopeCodec.Envelope::transaction);
        p.held++;
        if (event == null || event.origin().equals(self) || tx.isEmpty()) {
            Transaction own = new Transaction(event == null ? "" : event.origin().value(), record.kafkaOffset());
            if (event != null && !event.origin().equals(self)) {
                include(own, event, record);
            }
            own.records = 1;
            p.open.put(record.kafkaOffset(), own);
            p.complete.add(own);
            return;
        }
        String key = event.origin().value() + "/" + tx.get().id();
        Transaction t = p.incomplete.computeIfAbsent(key, k -> {
            Transaction started = new Transaction(event.origin().value(), record.kafkaOffset());
            p.open.put(record.kafkaOffset(), started);
            return started;
        });
        t.records++;
        include(t, event, record);
        tx.get().dependencies().forEach((partition, next) -> t.dependencies.merge(partition, next, Math::max));
        if (tx.get().last()) {
            p.incomplete.remove(key);
            p.complete.add(t);
        }
    }

    private void include(Transaction t, ChangeEvent event, SinkRecord record) {
        if (recentDots.contains(event.dot())) {
            t.skippedByDotCache++;
        } else if (t.dots.add(event.dot().key())) {
            t.events.add(event);
            t.sources.add(record);
        }
    }

    /**
     * Plans the next batch: complete transactions whose dependencies are met, about
     * {@code maxEvents} events at most (a larger transaction goes alone), and the applied position
     * of every partition the task may write.
     *
     * @param frontier how far the site applied partitions this inbox does not hold (another task's)
     */
    BatchPlan plan(Frontier frontier, int maxEvents) {
        Set<Transaction> taken = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<TopicPartition, Long> position = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Partition> entry : partitions.entrySet()) {
            if (epochs.containsKey(entry.getKey())) {
                position.put(entry.getKey(), prefix(entry.getValue(), taken));
            }
        }
        List<ChangeEvent> events = new ArrayList<>();
        Map<ChangeEvent, SinkRecord> sources = new IdentityHashMap<>();
        List<Wait> waits = new ArrayList<>();
        int skipped = 0;
        Set<TopicPartition> touched = new HashSet<>();
        waiting.clear();
        boolean progress = true;
        boolean full = false;
        while (progress && !full) {
            progress = false;
            for (Map.Entry<TopicPartition, Long> entry : position.entrySet()) {
                TopicPartition tp = entry.getKey();
                Partition p = partitions.get(tp);
                for (Transaction t : p.complete) {
                    if (taken.contains(t)) {
                        continue;
                    }
                    if (!met(t, tp.topic(), position, frontier)) {
                        if (t.waitingSince < 0) {
                            t.waitingSince = nanoTime.getAsLong();
                        }
                        waiting.add(tp);
                        break;
                    }
                    if (!events.isEmpty() && events.size() + t.events.size() > maxEvents) {
                        full = true;
                        break;
                    }
                    waiting.remove(tp);
                    taken.add(t);
                    touched.add(tp);
                    if (t.waitingSince >= 0) {
                        waits.add(new Wait(t.origin, nanoTime.getAsLong() - t.waitingSince));
                    }
                    skipped += t.skippedByDotCache;
                    for (int i = 0; i < t.events.size(); i++) {
                        events.add(t.events.get(i));
                        sources.put(t.events.get(i), t.sources.get(i));
                    }
                    entry.setValue(prefix(p, taken));
                    progress = true;
                }
                if (full) {
                    break;
                }
            }
        }
        // Only positions that moved are stored, and those of partitions the batch writes changes of (their
        // epoch is the fence): a put that finds nothing new to apply writes nothing.
        Map<TopicPartition, Long> epochsOfPlan = new LinkedHashMap<>();
        Map<TopicPartition, Long> moved = new LinkedHashMap<>();
        position.forEach((tp, next) -> {
            if (next > partitions.get(tp).stored || touched.contains(tp)) {
                moved.put(tp, next);
                epochsOfPlan.put(tp, epochs.get(tp));
            }
        });
        return new BatchPlan(consumer, events, sources, epochsOfPlan, moved, Map.copyOf(unleased), skipped,
                new ArrayList<>(taken), waits);
    }

    private static boolean met(Transaction t, String topic, Map<TopicPartition, Long> position, Frontier frontier) {
        for (Map.Entry<Integer, Long> dependency : t.dependencies.entrySet()) {
            TopicPartition tp = new TopicPartition(topic, dependency.getKey());
            Long here = position.get(tp);
            long applied = here != null ? here : frontier.applied(tp);
            if (applied < dependency.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The first offset of a partition not applied once {@code taken} is, or one past its last record. */
    private static long prefix(Partition p, Set<Transaction> taken) {
        for (Transaction t : p.open.values()) {
            if (!taken.contains(t)) {
                return Math.max(t.firstOffset, p.stored);
            }
        }
        return Math.max(p.nextSeen, p.stored);
    }

    /** A planned batch was committed: its transactions leave the inbox. */
    void committed(BatchPlan plan) {
        Set<Transaction> done = Collections.newSetFromMap(new IdentityHashMap<>());
        done.addAll(plan.transactions());
        plan.nextOffsets().forEach((tp, next) -> {
            Partition p = partitions.get(tp);
            if (p != null) {
                p.stored = Math.max(p.stored, next);
            }
        });
        for (Partition p : partitions.values()) {
            Iterator<Transaction> it = p.complete.iterator();
            while (it.hasNext()) {
                Transaction t = it.next();
                if (done.contains(t)) {
                    it.remove();
                    p.open.remove(t.firstOffset);
                    p.held -= t.records;
                }
            }
        }
    }

    /** The position stored at the site for a partition, e.g. when the task opens it. */
    void stored(TopicPartition tp, long next) {
        partitions.computeIfAbsent(tp, t -> new Partition()).stored = next;
    }

    /** Forgets partitions, e.g. when they are closed, rewound or reassigned. */
    void forget(Collection<TopicPartition> gone) {
        for (TopicPartition tp : gone) {
            partitions.remove(tp);
            waiting.remove(tp);
        }
    }

    /** The first offset of the partition the inbox holds and has not applied, if it holds any. */
    private Optional<Long> firstUnapplied(TopicPartition tp) {
        Partition p = partitions.get(tp);
        if (p == null || p.nextSeen < 0) {
            return Optional.empty();
        }
        return Optional.of(p.open.isEmpty() ? p.nextSeen : p.open.firstKey());
    }

    /** The partitions of the last {@link #receive} the task may not write, each with the offset to rewind it to. */
    Map<TopicPartition, Long> unleased() {
        return Map.copyOf(unleased);
    }

    /** The partitions whose next complete transaction waited for a dependency at the last {@link #plan}. */
    Set<TopicPartition> waiting() {
        return Set.copyOf(waiting);
    }

    /** How many received records of the partition are held, not applied yet. */
    int held(TopicPartition tp) {
        Partition p = partitions.get(tp);
        return p == null ? 0 : p.held;
    }

    /** How many received records are held in all. */
    int held() {
        int held = 0;
        for (Partition p : partitions.values()) {
            held += p.held;
        }
        return held;
    }
}
