package io.syncline.core;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where one change event stands in the source transaction that wrote it, and what that transaction
 * causally depends on. A receiving site applies a transaction only once it holds all of its events
 * ({@link #last()} marks the final one), in one target transaction, and only once its own applied
 * position on the changes topic has reached {@link #dependencies()}: how far the origin had applied
 * each partition of the changes topic when the transaction committed there.
 *
 * <p>Offsets on the changes topic are the same for every site (they all read one topic), so the
 * origin's applied frontier, read from its own {@code syncline.offsets} changes as they pass through
 * its WAL or binary log in commit order, names exactly the changes it could have seen.
 *
 * <pre>{@code
 * SourceTransaction first = new SourceTransaction("571:0/16B3748", 0, false, Map.of(0, 1042L));
 * SourceTransaction end = new SourceTransaction("571:0/16B3748", 1, true, Map.of(0, 1042L));
 * end.dependsOn(0);   // 1042: partition 0 must be applied up to offset 1042 first
 * }</pre>
 *
 * @param id the transaction's id at its origin, e.g. PostgreSQL's {@code txId:LSN} or a MariaDB GTID
 * @param index the event's position among the transaction's shipped events, from 0
 * @param last whether this is the transaction's final shipped event
 * @param dependencies per partition of the changes topic, the next offset the origin had applied
 */
public record SourceTransaction(String id, int index, boolean last, Map<Integer, Long> dependencies) {

    /** Checks and copies the parts; see the type's description for the rules. */
    public SourceTransaction {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("source transaction id is missing: give the origin's transaction id");
        }
        WellFormedText.require("source transaction id", id);
        if (index < 0) {
            throw new IllegalArgumentException("source transaction " + id + ": index was " + index
                    + ", must be 0 or more");
        }
        if (dependencies == null) {
            throw new IllegalArgumentException("source transaction " + id + " has no dependencies map: "
                    + "use an empty map when it depends on nothing");
        }
        TreeMap<Integer, Long> copy = new TreeMap<>();
        for (Map.Entry<Integer, Long> entry : dependencies.entrySet()) {
            if (entry.getKey() == null || entry.getKey() < 0 || entry.getValue() == null || entry.getValue() < 0) {
                throw new IllegalArgumentException("source transaction " + id + ": dependency " + entry.getKey()
                        + " -> " + entry.getValue() + " is invalid; partitions and offsets are 0 or more");
            }
            copy.put(entry.getKey(), entry.getValue());
        }
        dependencies = Collections.unmodifiableMap(copy);
    }

    /** The next offset of {@code partition} that must be applied before this transaction, 0 if none. */
    public long dependsOn(int partition) {
        return dependencies.getOrDefault(partition, 0L);
    }
}
