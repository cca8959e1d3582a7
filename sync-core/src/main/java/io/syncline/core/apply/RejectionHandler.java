package io.syncline.core.apply;

import java.util.List;

/**
 * Takes the changes a batch could not apply, before the batch commits: once this returns, the
 * rejected changes are safe elsewhere (e.g. on a dead-letter topic) and their offsets may be
 * committed with the rest. Throwing rolls the whole batch back.
 */
@FunctionalInterface
public interface RejectionHandler {

    void handle(List<Rejection> rejected);
}
