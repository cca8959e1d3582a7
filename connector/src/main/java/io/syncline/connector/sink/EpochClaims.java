package io.syncline.connector.sink;

import io.syncline.core.apply.FencedException;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The epoch this task last recorded at the site for each partition. A newly held epoch is claimed
 * at the site before the first batch under it, which fences every older writer at once, even before
 * this task stores an offset; an epoch already claimed costs nothing.
 */
final class EpochClaims {

    /** Records at the site that {@code epoch} holds the partition (see {@code SiteApplier.claim}). */
    @FunctionalInterface
    interface Claim {
        void claim(TopicPartition partition, long epoch) throws SQLException;
    }

    private final Claim claim;
    private final Map<TopicPartition, Long> claimed = new HashMap<>();

    EpochClaims(Claim claim) {
        this.claim = claim;
    }

    /**
     * Claims every epoch newer than the one claimed before for its partition.
     *
     * @throws FencedException when a newer writer already holds a partition
     */
    void claimNew(Map<TopicPartition, Long> epochs) throws SQLException {
        for (Map.Entry<TopicPartition, Long> entry : epochs.entrySet()) {
            Long before = claimed.get(entry.getKey());
            if (before == null || before < entry.getValue()) {
                claim.claim(entry.getKey(), entry.getValue());
                claimed.put(entry.getKey(), entry.getValue());
            }
        }
    }

    /** Forgets the claims of these partitions (fenced, or no longer assigned): the next epoch is claimed anew. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(claimed::remove);
    }
}
