package io.syncline.conflict.coordinator;

import java.time.Instant;

/**
 * Another holder has the partition and its lease has not expired. Retriable once it expires
 * ({@link #current()} says when) or its holder releases it.
 */
public class LeaseRefusedException extends CoordinatorException {

    private static final long serialVersionUID = 1L;

    private final transient PartitionLease current;

    /** For a refused request by {@code requester}; {@code current} is the lease that stands. */
    public LeaseRefusedException(String requester, PartitionLease current) {
        super("partition " + current.partitionName() + " was refused to " + requester + ": it is held by "
                + current.holder() + " (epoch " + current.epoch() + ") until "
                + Instant.ofEpochMilli(current.expiresAtMillis())
                + "; retry after that or once the holder releases it");
        this.current = current;
    }

    /** The lease that stands. */
    public PartitionLease current() {
        return current;
    }
}
