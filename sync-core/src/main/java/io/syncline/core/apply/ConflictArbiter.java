package io.syncline.core.apply;

import io.syncline.core.ChangeEvent;

/**
 * Decides a conflict: an incoming version concurrent with the local one. Implementations must
 * give the same answer whichever order a site sees the two versions in, so every site converges.
 *
 * <pre>{@code
 * ConflictArbiter lastWriterWins = (incoming, local) ->
 *     incoming.hlc() != local.hlc() ? incoming.hlc() > local.hlc()
 *         : incoming.origin().compareTo(local.origin()) > 0;
 * }</pre>
 */
@FunctionalInterface
public interface ConflictArbiter {

    /** True when the incoming version wins over the local one. */
    boolean incomingWins(ChangeEvent incoming, RowVersion local);
}
