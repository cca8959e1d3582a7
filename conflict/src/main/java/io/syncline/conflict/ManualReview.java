package io.syncline.conflict;

import io.syncline.core.apply.RowState;

/**
 * {@code manual}: a conflict is parked for a person. Meanwhile every site keeps the same version
 * (last-writer-wins), so the mesh stays converged; the conflict log marks the conflict
 * {@code parked}, and a person settles it with {@code POST /syncline/conflicts/{id}/resolve}, which
 * writes the chosen version as a new change that every site applies.
 */
final class ManualReview implements ConflictResolver {

    static final String NAME = "manual";

    private final LastWriterWins meanwhile = new LastWriterWins();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RowState merge(RowState a, RowState b) {
        return meanwhile.merge(a, b);
    }
}
