package io.syncline.conflict;

import io.syncline.core.ChangeEvent;
import io.syncline.core.apply.ConflictArbiter;
import io.syncline.core.apply.RowVersion;

/**
 * Last writer wins: the version with the larger hybrid-clock timestamp wins; equal timestamps are
 * ordered by site id, so every pair of versions has one winner whatever order they arrive in.
 *
 * <pre>{@code
 * ConflictArbiter arbiter = new LastWriterWins();
 * boolean incomingWins = arbiter.incomingWins(incoming, local);
 * }</pre>
 */
public final class LastWriterWins implements ConflictArbiter {

    @Override
    public boolean incomingWins(ChangeEvent incoming, RowVersion local) {
        if (!local.exists()) {
            return true;
        }
        if (incoming.hlc() != local.hlc()) {
            return incoming.hlc() > local.hlc();
        }
        int bySite = incoming.origin().compareTo(local.origin());
        if (bySite != 0) {
            return bySite > 0;
        }
        return incoming.dot().sequence() > local.sequence();
    }
}
