package io.syncline.core.site;

import io.syncline.core.apply.ConflictArbiter;
import io.syncline.core.apply.ConflictType;
import io.syncline.core.apply.Resolution;
import io.syncline.core.apply.RowState;
import java.util.Comparator;

/**
 * The arbiter of the applier's ITs: the later write by (HLC, origin, sequence) wins, as the conflict
 * module's default resolver decides. sync-core cannot see that module (it depends on this one); the
 * resolvers themselves are tested there and end to end in the tools' ITs.
 */
final class NewestWins implements ConflictArbiter {

    private static final Comparator<RowState> ORDER = Comparator.comparingLong(RowState::hlc)
            .thenComparing(RowState::origin)
            .thenComparingLong(RowState::sequence);

    @Override
    public Resolution resolve(String table, ConflictType type, RowState local, RowState incoming) {
        boolean incomingWins = ORDER.compare(incoming, local) > 0;
        RowState winner = incomingWins ? incoming : local;
        return new Resolution(winner.withVv(local.vv().join(incoming.vv())),
                incomingWins ? Resolution.Winner.INCOMING : Resolution.Winner.LOCAL, "last-writer-wins");
    }
}
