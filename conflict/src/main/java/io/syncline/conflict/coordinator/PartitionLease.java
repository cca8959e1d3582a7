package io.syncline.conflict.coordinator;

import java.time.Instant;

/**
 * The coordinator's grant "task {@code holder} is the only writer of {@code partition} of
 * {@code group}'s change topic at {@code site}", with an epoch that only grows: a new holder always
 * gets a greater epoch than every holder before it, a renewal keeps it. A sink task stores its epoch
 * with every batch ({@code ... WHERE epoch <= :mine}), so a zombie with an older epoch cannot commit.
 *
 * <pre>{@code
 * PartitionLease lease = client.acquire("orders", "east", 3, "east-sink-0/7f3a", Duration.ofSeconds(10));
 * lease = client.renew(lease, Duration.ofSeconds(10));   // same epoch, later expiry
 * }</pre>
 *
 * @param group the sync group
 * @param site the site that applies the partition
 * @param partition the partition of the group's change topic, {@code >= 0}
 * @param holder the task incarnation holding it; make it unique per incarnation (task id plus a
 *     random suffix), since a restarted task with the same id would otherwise renew its zombie's lease
 * @param epoch the fencing number, {@code >= 1}
 * @param expiresAtMillis when the lease ends, in epoch milliseconds of the holder's clock
 */
public record PartitionLease(String group, String site, int partition, String holder, long epoch,
        long expiresAtMillis) {

    /** Checks every field. */
    public PartitionLease {
        Checks.text("group", group);
        Checks.text("site", site);
        Checks.partition(partition);
        Checks.text("holder", holder);
        Checks.epoch(epoch);
    }

    /** Whether the lease has ended at {@code nowMillis}. */
    public boolean expiredAt(long nowMillis) {
        return expiresAtMillis <= nowMillis;
    }

    /** "group/site/partition", how messages name the partition. */
    public String partitionName() {
        return group + "/" + site + "/" + partition;
    }

    @Override
    public String toString() {
        return "lease on " + partitionName() + " held by " + holder + " (epoch " + epoch + ") until "
                + Instant.ofEpochMilli(expiresAtMillis);
    }
}
