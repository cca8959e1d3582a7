package io.syncline.connector.sink;

import io.syncline.conflict.coordinator.CoordinatorClient;
import io.syncline.conflict.coordinator.PartitionLease;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions a sink task may apply, and with which epoch: one lease per partition from the
 * coordinator, renewed in the background (never per record). A partition is usable only while its
 * lease is held and not about to expire; without a coordinator every partition is usable with
 * epoch 0 (no fencing beyond Kafka's own assignment).
 */
final class PartitionLeases implements LeaseLookup, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionLeases.class);

    private final CoordinatorClient client;
    private final String group;
    private final String site;
    private final String holder;
    private final Duration ttl;
    private final Duration safetyMargin;
    private final Clock clock;
    private final Map<TopicPartition, PartitionLease> held = new ConcurrentHashMap<>();
    private final Set<TopicPartition> wanted = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService renewer;

    private PartitionLeases(CoordinatorClient client, String group, String site, String holder, Duration ttl,
            Clock clock, TaskPause pause) {
        this.client = client;
        this.group = group;
        this.site = site;
        this.holder = holder;
        this.ttl = ttl;
        this.safetyMargin = ttl.dividedBy(5);
        this.clock = clock;
        if (client == null) {
            renewer = null;
        } else {
            renewer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "syncline-lease-renewer-" + holder);
                t.setDaemon(true);
                return t;
            });
            long every = Math.max(50, ttl.toMillis() / 3);
            renewer.scheduleWithFixedDelay(pause.aroundRenewal(this::renewAll), every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Every partition usable with epoch 0: no coordinator configured. */
    static PartitionLeases unfenced() {
        return new PartitionLeases(null, "", "", "", Duration.ofDays(1), Clock.systemUTC(), TaskPause.NONE);
    }

    /** @param pause wraps the background renewal (see {@link TaskPause}) */
    static PartitionLeases coordinated(CoordinatorClient client, String group, String site, String holder,
            Duration ttl, Clock clock, TaskPause pause) {
        return new PartitionLeases(client, group, site, holder, ttl, clock, pause);
    }

    /** Drops the leases of these partitions locally (e.g. after being fenced); they are re-acquired if free. */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            held.remove(tp);
        }
    }

    /** Starts wanting these partitions; those another holder still has are retried in the background. */
    void want(Collection<TopicPartition> partitions) {
        wanted.addAll(partitions);
        if (client != null) {
            for (TopicPartition tp : partitions) {
                tryAcquire(tp);
            }
        }
    }

    /** Stops wanting these partitions and gives their leases back. */
    void giveUp(Collection<TopicPartition> partitions) {
        wanted.removeAll(partitions);
        for (TopicPartition tp : partitions) {
            PartitionLease lease = held.remove(tp);
            if (lease != null && client != null) {
                try {
                    client.release(lease);
                } catch (RuntimeException e) {
                    LOG.debug("Releasing the lease of {} failed; it will expire", tp, e);
                }
            }
        }
    }

    /** The epoch to write the partition with, if the task may write it now. */
    @Override
    public OptionalLong epoch(TopicPartition tp) {
        if (client == null) {
            return wanted.contains(tp) ? OptionalLong.of(0) : OptionalLong.empty();
        }
        PartitionLease lease = held.get(tp);
        if (lease == null || lease.expiresAtMillis() - safetyMargin.toMillis() <= clock.millis()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(lease.epoch());
    }

    /** Leases held now, for status. */
    Map<TopicPartition, PartitionLease> held() {
        return Map.copyOf(held);
    }

    private void renewAll() {
        for (TopicPartition tp : new HashSet<>(wanted)) {
            PartitionLease lease = held.get(tp);
            if (lease == null) {
                tryAcquire(tp);
                continue;
            }
            try {
                held.put(tp, client.renew(lease, ttl));
            } catch (RuntimeException e) {
                held.remove(tp);
                LOG.warn("Lease of {} (epoch {}) was not renewed: {}; the task stops applying it until it holds "
                        + "the lease again", tp, lease.epoch(), e.getMessage());
                tryAcquire(tp);
            }
        }
    }

    private void tryAcquire(TopicPartition tp) {
        try {
            PartitionLease lease = client.acquire(group, site, tp.partition(), holder, ttl);
            PartitionLease before = held.put(tp, lease);
            if (before == null || before.epoch() != lease.epoch()) {
                LOG.info("Site {} task {} holds partition {} with epoch {}", site, holder, tp, lease.epoch());
            }
        } catch (RuntimeException e) {
            LOG.debug("Partition {} not leased to {} yet: {}", tp, holder, e.getMessage());
        }
    }

    @Override
    public void close() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
        giveUp(new HashSet<>(wanted));
        if (client != null) {
            try {
                client.close();
            } catch (Exception e) {
                LOG.debug("Closing the coordinator client failed", e);
            }
        }
    }
}
