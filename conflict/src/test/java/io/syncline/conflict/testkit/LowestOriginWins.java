package io.syncline.conflict.testkit;

import io.syncline.conflict.ConflictResolver;
import io.syncline.conflict.ResolverSettings;
import io.syncline.core.apply.RowState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A user resolver, loaded by class name in tests: the smaller origin site id wins. */
public final class LowestOriginWins implements ConflictResolver {

    /** Every settings object any instance was configured with, in order. */
    public static final List<ResolverSettings> CONFIGURED = Collections.synchronizedList(new ArrayList<>());

    @Override
    public String name() {
        return "lowest-origin-wins";
    }

    @Override
    public void configure(ResolverSettings settings) {
        CONFIGURED.add(settings);
    }

    @Override
    public RowState merge(RowState a, RowState b) {
        int bySite = a.origin().compareTo(b.origin());
        if (bySite != 0) {
            return bySite < 0 ? a : b;
        }
        return a.sequence() >= b.sequence() ? a : b;
    }
}
