package io.syncline.connector.source;

import io.syncline.core.ChangeEvent;
import io.syncline.core.SourceTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Stamps each shipped change event with its source transaction: the transaction's id, the event's
 * place in it, whether it is the last one, and the transaction's dependencies, which is how far this
 * site had applied each partition of the changes topic when the transaction committed.
 *
 * <p>The site's own sink stores its applied offsets in {@code syncline.offsets} in the same
 * transaction as the rows it applies, and the capture reads that table's changes in commit order
 * with everything else: when a local transaction's first event arrives, the highest offsets seen
 * so far are exactly what had committed before it, so whatever the application could have read.
 * They are taken as the transaction's dependencies.
 *
 * <p>The last event of a transaction is only known when Debezium's transaction END marker arrives,
 * so one event is always held back until the next event or the END: a transaction of any size
 * holds one event here.
 *
 * <pre>{@code
 * TransactionStamps stamps = new TransactionStamps(Map.of(0, 1042L));
 * stamps.event(event, "xid:571", carried);          // nothing yet: the event is held
 * stamps.end(endRecord);                           // the event, marked last
 * }</pre>
 */
final class TransactionStamps {

    /** An event ready to ship, its transaction stamp, and the captured records it carries. */
    record Stamped(ChangeEvent event, SourceTransaction transaction, List<SourceRecord> carried) {
    }

    private record Held(ChangeEvent event, String txId, int index, Map<Integer, Long> dependencies,
            List<SourceRecord> carried) {
    }

    private final TreeMap<Integer, Long> applied = new TreeMap<>();
    private Map<Integer, Long> dependencies = Map.of();
    private Held held;
    private String currentTx;
    private int nextIndex;

    /** @param applied the next offsets this site had applied when the capture (re)started, by partition */
    TransactionStamps(Map<Integer, Long> applied) {
        this.applied.putAll(applied);
    }

    /** The site's sink stored {@code nextOffset} for a partition of the changes topic. */
    void applied(int partition, long nextOffset) {
        applied.merge(partition, nextOffset, Math::max);
    }

    /**
     * A change event of the local transaction {@code txId}; returns the events that may ship now
     * (the one held before, if any). Without a transaction id (Debezium gave none), the event ships
     * alone, unstamped.
     */
    List<Stamped> event(ChangeEvent event, String txId, List<SourceRecord> carried) {
        List<Stamped> ready = new ArrayList<>(2);
        if (held != null && !held.txId().equals(txId)) {
            // The END of the held event's transaction never came: it was its last event.
            ready.add(release(true, List.of()));
        }
        if (txId == null) {
            ready.add(new Stamped(event, null, carried));
            return ready;
        }
        if (!txId.equals(currentTx)) {
            currentTx = txId;
            nextIndex = 0;
            dependencies = Map.copyOf(applied);
        }
        if (held != null) {
            ready.add(release(false, List.of()));
        }
        held = new Held(event, txId, nextIndex++, dependencies, carried);
        return ready;
    }

    /**
     * Debezium's END marker of the transaction the capture is in: the held event, marked last,
     * carries the marker; empty when the transaction shipped nothing (it was all applied changes).
     * Markers come in the stream's order, right after their transaction's last change, so the
     * marker's own id (whose form differs by connector and version) is not needed to match them.
     */
    List<Stamped> end(SourceRecord marker) {
        if (held == null) {
            currentTx = null;
            return List.of();
        }
        currentTx = null;
        return List.of(release(true, List.of(marker)));
    }

    /** Whether an event waits for its successor or its transaction's END. */
    boolean holding() {
        return held != null;
    }

    /** The next offsets this site has applied, by partition of the changes topic, as far as the capture has seen. */
    Map<Integer, Long> applied() {
        return Map.copyOf(applied);
    }

    private Stamped release(boolean last, List<SourceRecord> extra) {
        Held h = held;
        held = null;
        List<SourceRecord> carried = h.carried();
        if (!extra.isEmpty()) {
            carried = new ArrayList<>(carried);
            carried.addAll(extra);
        }
        return new Stamped(h.event(), new SourceTransaction(h.txId(), h.index(), last, h.dependencies()), carried);
    }
}
