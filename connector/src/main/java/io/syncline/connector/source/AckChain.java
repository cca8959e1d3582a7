package io.syncline.connector.source;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Hands captured records back to the Debezium task in capture order, each only once Kafka has
 * acknowledged everything captured before it. Debezium confirms the replication slot up to the
 * last record it was handed, so handing back a record early could let the database discard
 * changes that were not yet in Kafka.
 *
 * <p>A captured record is either dropped (not for Kafka: another site's change, a heartbeat, a
 * meta change without its row), or folded into an emitted change event and acknowledged with it.
 */
final class AckChain {

    private static final class Entry {
        final SourceRecord captured;
        boolean done;

        Entry(SourceRecord captured) {
            this.captured = captured;
        }
    }

    private final ArrayDeque<Entry> order = new ArrayDeque<>();
    private final Map<SourceRecord, Entry> open = new IdentityHashMap<>();
    private final Map<SourceRecord, List<Entry>> emitted = new IdentityHashMap<>();

    /** Records a captured record in capture order; it waits until it is dropped or acknowledged. */
    synchronized void captured(SourceRecord record) {
        Entry entry = new Entry(record);
        order.addLast(entry);
        open.put(record, entry);
    }

    /** A captured record that will not reach Kafka. */
    synchronized void drop(SourceRecord captured) {
        Entry entry = open.remove(captured);
        if (entry != null) {
            entry.done = true;
        }
    }

    /** An emitted record that carries the given captured records; done when Kafka acknowledges it. */
    synchronized void emit(SourceRecord emittedRecord, List<SourceRecord> carried) {
        List<Entry> entries = new ArrayList<>(carried.size());
        for (SourceRecord c : carried) {
            Entry entry = open.remove(c);
            if (entry != null) {
                entries.add(entry);
            }
        }
        emitted.put(emittedRecord, entries);
    }

    /** Kafka acknowledged an emitted record. */
    synchronized void acknowledged(SourceRecord emittedRecord) {
        List<Entry> entries = emitted.remove(emittedRecord);
        if (entries != null) {
            for (Entry entry : entries) {
                entry.done = true;
            }
        }
    }

    /** The captured records, in capture order, that may now be handed back. */
    synchronized List<SourceRecord> ready() {
        List<SourceRecord> ready = new ArrayList<>();
        while (!order.isEmpty() && order.peekFirst().done) {
            ready.add(order.pollFirst().captured);
        }
        return ready;
    }

    synchronized int waiting() {
        return order.size();
    }
}
