package io.syncline.core.apply;

import io.syncline.core.site.ForeignKey;
import io.syncline.core.site.TableRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The order in which a batch writes its tables so that the database's foreign-key checks, made per
 * statement, pass: parents before children for upserts, children before parents for deletes (the
 * reverse). Among tables that do not depend on each other, the batch's order (first appearance) is
 * kept, so the order is the same for the same batch every time.
 *
 * <p>A table that references itself, or tables whose keys form a cycle, cannot be ordered by table:
 * such tables keep their rows in batch order instead (see {@link #keepsBatchOrder}), which is the
 * order their source transactions wrote them in.
 *
 * <pre>{@code
 * var order = new ForeignKeyOrder(List.of(lines, orders), keys);
 * order.parentsFirst();   // [orders, lines]
 * order.childrenFirst();  // [lines, orders]
 * }</pre>
 */
final class ForeignKeyOrder {

    private final List<TableRef> parentsFirst;
    private final Set<TableRef> batchOrder = new HashSet<>();

    /**
     * @param tables the batch's tables in first-appearance order
     * @param keys foreign keys of those tables (others, and keys to tables outside the batch, are ignored)
     */
    ForeignKeyOrder(List<TableRef> tables, Collection<ForeignKey> keys) {
        Set<TableRef> present = new LinkedHashSet<>(tables);
        Map<TableRef, Set<TableRef>> parentsOf = new HashMap<>();
        for (TableRef table : present) {
            parentsOf.put(table, new HashSet<>());
        }
        for (ForeignKey key : keys) {
            if (!present.contains(key.child()) || !present.contains(key.parent())) {
                continue;
            }
            if (key.selfReferencing()) {
                batchOrder.add(key.child());
            } else {
                parentsOf.get(key.child()).add(key.parent());
            }
        }
        this.parentsFirst = order(new ArrayList<>(present), parentsOf);
    }

    /**
     * Takes, each time, the first table (in batch order) whose parents are all placed. When there is
     * none, the tables left include a cycle: its tables are marked to keep batch order and the first of
     * them is placed anyway (its rows may then meet a parent written later; such a batch is applied
     * again change by change, in source order).
     */
    private List<TableRef> order(List<TableRef> remaining, Map<TableRef, Set<TableRef>> parentsOf) {
        List<TableRef> placed = new ArrayList<>(remaining.size());
        Set<TableRef> done = new HashSet<>();
        while (!remaining.isEmpty()) {
            TableRef next = null;
            for (TableRef table : remaining) {
                if (done.containsAll(parentsOf.get(table))) {
                    next = table;
                    break;
                }
            }
            if (next == null) {
                for (TableRef table : remaining) {
                    if (reaches(table, table, parentsOf, new HashSet<>())) {
                        batchOrder.add(table);
                        next = next == null ? table : next;
                    }
                }
            }
            remaining.remove(next);
            done.add(next);
            placed.add(next);
        }
        return List.copyOf(placed);
    }

    /** Whether {@code target} is a parent, grandparent, ... of {@code from}. */
    private static boolean reaches(TableRef from, TableRef target, Map<TableRef, Set<TableRef>> parentsOf,
            Set<TableRef> seen) {
        for (TableRef parent : parentsOf.get(from)) {
            if (parent.equals(target) || (seen.add(parent) && reaches(parent, target, parentsOf, seen))) {
                return true;
            }
        }
        return false;
    }

    /** The order for upserts: every table after the tables it references. */
    List<TableRef> parentsFirst() {
        return parentsFirst;
    }

    /** The order for deletes: every table before the tables it references. */
    List<TableRef> childrenFirst() {
        List<TableRef> reversed = new ArrayList<>(parentsFirst);
        Collections.reverse(reversed);
        return reversed;
    }

    /**
     * Whether the table's rows must be written in batch order rather than grouped by statement: it
     * references itself or is part of a cycle of foreign keys.
     */
    boolean keepsBatchOrder(TableRef table) {
        return batchOrder.contains(table);
    }
}
