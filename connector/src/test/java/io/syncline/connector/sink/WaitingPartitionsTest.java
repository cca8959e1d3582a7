package io.syncline.connector.sink;

import static io.syncline.connector.sink.Changes.TOPIC;
import static io.syncline.connector.sink.Changes.record;
import static io.syncline.connector.sink.Changes.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.SiteId;
import io.syncline.core.SourceTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class WaitingPartitionsTest {

    private static final SiteId WEST = SiteId.of("west");
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

    private final TransactionInbox inbox = new TransactionInbox("sink", WEST,
            new EnvelopeReader(() -> null)::readEnvelope, new RecentDots(0), () -> 0L);
    private final RecordingContext context = new RecordingContext();
    private final WaitingPartitions waiting = new WaitingPartitions(WEST);

    private void receiveWaiting(int records, long dependency) {
        List<SinkRecord> batch = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            batch.add(record(0, i, upsert("east", i + 1, i),
                    new SourceTransaction("e" + i, 0, true, Map.of(1, dependency))));
        }
        inbox.receive(batch, tp -> OptionalLong.of(1));
        inbox.plan(tp -> 0L, 1_000);
    }

    @Test
    void aPartitionWaitingWithManyRecordsIsPausedAndResumedWhenItMayGoOn() {
        receiveWaiting(WaitingPartitions.PAUSE_AT, 5);
        waiting.update(inbox, Set.of(), context);
        assertThat(waiting.paused()).containsExactly(P0);
        assertThat(context.paused).contains(P0);

        inbox.plan(tp -> 5L, 100_000);
        waiting.update(inbox, Set.of(), context);
        assertThat(waiting.paused()).isEmpty();
        assertThat(context.resumed).contains(P0);
    }

    @Test
    void aFewWaitingRecordsDoNotPause() {
        receiveWaiting(10, 5);
        waiting.update(inbox, Set.of(), context);
        assertThat(waiting.paused()).isEmpty();
    }

    @Test
    void aPartitionPausedForItsLeaseIsNotResumedHere() {
        receiveWaiting(WaitingPartitions.PAUSE_AT, 5);
        waiting.update(inbox, Set.of(), context);
        inbox.forget(List.of(P0));
        waiting.update(inbox, Set.of(P0), context);
        assertThat(waiting.paused()).isEmpty();
        assertThat(context.resumed).doesNotContain(P0);
    }
}
