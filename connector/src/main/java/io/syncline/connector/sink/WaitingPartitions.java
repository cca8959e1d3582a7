package io.syncline.connector.sink;

import io.syncline.core.SiteId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what a task holds for partitions whose next transaction waits for a dependency: such a
 * partition is paused once it holds {@value #PAUSE_AT} records, and resumed as soon as its next
 * transaction may be applied. A partition whose next transaction is still incomplete is never
 * paused: only more of its records can complete it.
 */
final class WaitingPartitions {

    private static final Logger LOG = LoggerFactory.getLogger(WaitingPartitions.class);
    static final int PAUSE_AT = 20_000;

    private final SiteId self;
    private final Set<TopicPartition> paused = new LinkedHashSet<>();

    WaitingPartitions(SiteId self) {
        this.self = self;
    }

    /**
     * Pauses and resumes by what the inbox waits for; a partition paused for its lease
     * ({@code leaseWaiting}) stays paused, and is forgotten here.
     */
    void update(TransactionInbox inbox, Set<TopicPartition> leaseWaiting, SinkTaskContext context) {
        paused.removeAll(leaseWaiting);
        Set<TopicPartition> waiting = inbox.waiting();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : paused) {
            if (!waiting.contains(tp)) {
                resume.add(tp);
            }
        }
        if (!resume.isEmpty()) {
            resume.forEach(paused::remove);
            context.resume(resume.toArray(new TopicPartition[0]));
            LOG.info("Site {}: the transactions of {} no longer wait for dependencies; resumed", self, resume);
        }
        for (TopicPartition tp : waiting) {
            if (!paused.contains(tp) && inbox.held(tp) >= PAUSE_AT) {
                paused.add(tp);
                context.pause(tp);
                LOG.info("Site {}: {} holds {} records whose next transaction waits for a dependency; paused until "
                        + "it may be applied", self, tp, inbox.held(tp));
            }
        }
    }

    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(paused::remove);
    }

    Set<TopicPartition> paused() {
        return Set.copyOf(paused);
    }
}
