package io.syncline.core.apply;

import java.util.List;
import java.util.Objects;

/**
 * What became of one batch handed to {@link SiteApplier#apply(java.sql.Connection, List, List,
 * RejectionHandler)}: committed, with what it did and the conflicts it logged, or rolled back
 * because the {@link RejectionHandler} asked for it (nothing of the batch was written).
 *
 * <pre>{@code
 * BatchOutcome outcome = applier.apply(connection, events, offsets, handler);
 * if (outcome instanceof BatchOutcome.Committed committed) {
 *     metrics.batchApplied(committed.result(), committed.conflicts(), events, records, began);
 * }
 * }</pre>
 */
public sealed interface BatchOutcome {

    /**
     * The batch and its offsets were committed.
     *
     * @param result counts of what the batch did, and the changes it set aside
     * @param conflicts every conflict the batch wrote to the site's conflict log, in batch order
     */
    record Committed(ApplyResult result, List<LoggedConflict> conflicts) implements BatchOutcome {
        public Committed {
            Objects.requireNonNull(result, "result");
            conflicts = List.copyOf(conflicts);
        }
    }

    /**
     * The handler of refused changes asked for the batch to be rolled back.
     *
     * @param rejected the changes the database refused, handed to the handler
     */
    record RolledBack(List<Rejection> rejected) implements BatchOutcome {
        public RolledBack {
            rejected = List.copyOf(rejected);
        }
    }
}
