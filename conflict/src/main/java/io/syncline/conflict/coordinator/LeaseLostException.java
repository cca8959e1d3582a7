package io.syncline.conflict.coordinator;

import java.util.Optional;

/**
 * The lease is no longer the caller's: another holder took the partition (its epoch is greater) or
 * the lease was released. Fatal for the partition: stop applying it and acquire it anew.
 */
public class LeaseLostException extends CoordinatorException {

    private static final long serialVersionUID = 1L;

    private final transient PartitionLease lost;
    private final transient PartitionLease current;

    /** {@code lost} is the caller's lease, {@code current} the one that stands now, if any. */
    public LeaseLostException(PartitionLease lost, Optional<PartitionLease> current) {
        super("lease on " + lost.partitionName() + " (epoch " + lost.epoch() + ") of " + lost.holder()
                + " is lost: " + current.map(c -> "now held by " + c.holder() + " (epoch " + c.epoch() + ")")
                        .orElse("it was released")
                + "; stop applying the partition and acquire it anew");
        this.lost = lost;
        this.current = current.orElse(null);
    }

    /** The caller's lease that is no longer valid. */
    public PartitionLease lost() {
        return lost;
    }

    /** The lease that stands now, if the partition is held. */
    public Optional<PartitionLease> current() {
        return Optional.ofNullable(current);
    }
}
