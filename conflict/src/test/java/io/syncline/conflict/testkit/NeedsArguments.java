package io.syncline.conflict.testkit;

import io.syncline.conflict.ConflictResolver;
import io.syncline.core.apply.RowState;

/** A resolver without a public no-argument constructor, for the registry's error message. */
public final class NeedsArguments implements ConflictResolver {

    private final String name;

    public NeedsArguments(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public RowState merge(RowState a, RowState b) {
        return a;
    }
}
