package io.syncline.core.apply;

import java.util.List;

/**
 * Takes the changes a batch could not apply, before the batch commits, and decides what becomes of
 * the batch: once it answers {@link Decision#COMMIT_REST}, the rejected changes are safe elsewhere
 * (e.g. on a dead-letter topic) and the rest of the batch commits with their offsets;
 * {@link Decision#ROLL_BACK} rolls the whole batch back and the applier reports
 * {@link BatchOutcome.RolledBack}. Throwing rolls the batch back too, and the exception propagates.
 */
@FunctionalInterface
public interface RejectionHandler {

    /** What the batch does once its refused changes were handed over. */
    enum Decision {
        /** The refused changes are safe elsewhere: commit the rest of the batch. */
        COMMIT_REST,
        /** Write nothing of the batch (e.g. to apply it again on fresh table shapes). */
        ROLL_BACK
    }

    Decision handle(List<Rejection> rejected);
}
