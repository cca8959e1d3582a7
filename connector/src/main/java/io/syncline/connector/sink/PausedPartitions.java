package io.syncline.connector.sink;

import io.syncline.core.SiteId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions a sink task paused because it does not hold their lease: rewound to the first
 * record it could not write, so Connect delivers them again once the task resumes them, which it
 * does as soon as it holds the lease again.
 */
final class PausedPartitions {

    private static final Logger LOG = LoggerFactory.getLogger(PausedPartitions.class);

    private final SiteId self;
    private final Set<TopicPartition> waiting = new LinkedHashSet<>();

    PausedPartitions(SiteId self) {
        this.self = self;
    }

    /** Rewinds each partition to its offset and pauses it until its lease is held. */
    void pause(Map<TopicPartition, Long> rewindTo, SinkTaskContext context) {
        for (Map.Entry<TopicPartition, Long> entry : rewindTo.entrySet()) {
            context.offset(entry.getKey(), entry.getValue());
            context.pause(entry.getKey());
            waiting.add(entry.getKey());
            LOG.info("Site {} does not hold the lease of {}; paused until it does", self, entry.getKey());
        }
    }

    /** Resumes the paused partitions whose lease the task holds now. */
    void resumeLeased(LeaseLookup leases, SinkTaskContext context) {
        if (waiting.isEmpty()) {
            return;
        }
        List<TopicPartition> ready = new ArrayList<>();
        for (TopicPartition tp : waiting) {
            if (leases.epoch(tp).isPresent()) {
                ready.add(tp);
            }
        }
        if (!ready.isEmpty()) {
            ready.forEach(waiting::remove);
            context.resume(ready.toArray(new TopicPartition[0]));
            LOG.info("Site {} holds the lease of {} again; resumed", self, ready);
        }
    }

    /** Forgets partitions the task no longer has (Connect resumes a reassigned partition itself). */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(waiting::remove);
    }

    /** The partitions paused now. */
    Set<TopicPartition> paused() {
        return Set.copyOf(waiting);
    }
}
