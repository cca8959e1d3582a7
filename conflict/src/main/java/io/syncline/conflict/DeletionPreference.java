package io.syncline.conflict;

import io.syncline.core.apply.RowState;
import java.util.Comparator;

/**
 * {@code delete-wins} and {@code update-wins}: a deletion beats any update (or the other way
 * round); two versions of the same kind are decided by last writer.
 *
 * <pre>{@code
 * // conflict.resolver.public.sessions=delete-wins
 * }</pre>
 */
final class DeletionPreference implements ConflictResolver {

    static final String DELETE_WINS = "delete-wins";
    static final String UPDATE_WINS = "update-wins";

    private final String name;
    private final Comparator<RowState> order;

    private DeletionPreference(String name, boolean deletionWins) {
        this.name = name;
        Comparator<RowState> byKind = Comparator.comparing(v -> v.deleted() == deletionWins);
        this.order = byKind.thenComparing(WriteOrder.LAST_WRITER);
    }

    static DeletionPreference deleteWins() {
        return new DeletionPreference(DELETE_WINS, true);
    }

    static DeletionPreference updateWins() {
        return new DeletionPreference(UPDATE_WINS, false);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public RowState merge(RowState a, RowState b) {
        return order.compare(a, b) >= 0 ? a : b;
    }
}
