package io.syncline.conflict.testkit;

import io.syncline.conflict.ConflictResolver;
import io.syncline.core.apply.RowState;

/**
 * A user resolver whose own answer differs between sites (each site prefers the version it holds),
 * made consistent by coordination: the first site's choice is recorded and every site applies it.
 */
public final class PreferLocalCoordinated implements ConflictResolver {

    @Override
    public String name() {
        return "prefer-local";
    }

    @Override
    public boolean needsCoordination() {
        return true;
    }

    @Override
    public RowState merge(RowState local, RowState incoming) {
        return local;
    }
}
