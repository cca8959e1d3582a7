package io.syncline.conflict;

import io.syncline.core.apply.RowState;

/**
 * {@code last-writer-wins}: the version with the larger (hybrid-clock timestamp, origin site id,
 * sequence) wins whole, deletion or not. Every pair of different writes has one winner whatever
 * order they arrive in.
 *
 * <pre>{@code
 * ConflictResolver lww = new LastWriterWins();
 * lww.merge(local, incoming);   // the later of the two
 * }</pre>
 */
final class LastWriterWins implements ConflictResolver {

    static final String NAME = "last-writer-wins";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RowState merge(RowState a, RowState b) {
        return WriteOrder.later(a, b);
    }
}
