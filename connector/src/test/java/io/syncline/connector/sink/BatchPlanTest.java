package io.syncline.connector.sink;

import static io.syncline.connector.sink.Changes.TOPIC;
import static io.syncline.connector.sink.Changes.record;
import static io.syncline.connector.sink.Changes.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.ChangeEvent;
import io.syncline.core.SiteId;
import io.syncline.core.apply.OffsetUpdate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class BatchPlanTest {

    private static final SiteId SELF = SiteId.of("west");
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private final RecentDots recentDots = new RecentDots(100);
    private final EnvelopeReader reader = new EnvelopeReader(() -> null);

    private static LeaseLookup leased(Map<TopicPartition, Long> epochs) {
        return tp -> epochs.containsKey(tp) ? OptionalLong.of(epochs.get(tp)) : OptionalLong.empty();
    }

    @Test
    void plansTheChangesOfLeasedPartitionsWithTheirOffsetsAndEpochs() {
        ChangeEvent first = upsert("east", 1, 1);
        ChangeEvent second = upsert("east", 2, 2);
        ChangeEvent third = upsert("north", 1, 3);
        List<SinkRecord> records = List.of(record(0, 10, first), record(1, 4, second), record(0, 11, third));

        BatchPlan plan = BatchPlan.of(records, "orders-west-sink", leased(Map.of(P0, 7L, P1, 3L)), reader::read,
                recentDots, SELF);

        assertThat(plan.events()).extracting(ChangeEvent::dot).containsExactly(first.dot(), second.dot(), third.dot());
        assertThat(plan.source(plan.events().get(2))).isSameAs(records.get(2));
        assertThat(plan.epochs()).isEqualTo(Map.of(P0, 7L, P1, 3L));
        assertThat(plan.nextOffsets()).isEqualTo(Map.of(P0, 12L, P1, 5L));
        assertThat(plan.offsets()).containsExactlyInAnyOrder(new OffsetUpdate("orders-west-sink", TOPIC, 0, 12, 7),
                new OffsetUpdate("orders-west-sink", TOPIC, 1, 5, 3));
        assertThat(plan.unleased()).isEmpty();
        assertThat(plan.hasOffsets()).isTrue();
    }

    @Test
    void aPartitionWithoutItsLeaseRewindsToItsFirstRecordAndIsLeftOut() {
        List<SinkRecord> records = List.of(record(1, 20, upsert("east", 1, 1)), record(0, 5, upsert("east", 2, 2)),
                record(1, 21, upsert("east", 3, 3)));
        int[] lookups = {0};
        LeaseLookup leases = tp -> {
            lookups[0]++;
            return tp.equals(P0) ? OptionalLong.of(1) : OptionalLong.empty();
        };

        BatchPlan plan = BatchPlan.of(records, "sink", leases, reader::read, recentDots, SELF);

        assertThat(plan.unleased()).isEqualTo(Map.of(P1, 20L));
        assertThat(plan.events()).extracting(e -> e.dot().sequence()).containsExactly(2L);
        assertThat(plan.nextOffsets()).isEqualTo(Map.of(P0, 6L));
        assertThat(lookups[0]).as("one lease lookup per partition and batch").isEqualTo(2);
    }

    @Test
    void withoutAnyLeaseThereIsNothingToStore() {
        BatchPlan plan = BatchPlan.of(List.of(record(0, 1, upsert("east", 1, 1))), "sink", leased(Map.of()),
                reader::read, recentDots, SELF);

        assertThat(plan.hasOffsets()).isFalse();
        assertThat(plan.offsets()).isEmpty();
        assertThat(plan.unleased()).isEqualTo(Map.of(P0, 1L));
    }

    @Test
    void ownChangesUnreadableRecordsAndCachedDotsAdvanceTheOffsetButAreNotApplied() {
        ChangeEvent applied = upsert("east", 1, 1);
        recentDots.rememberApplied(List.of(applied), List.of());
        ChangeEvent fresh = upsert("east", 2, 2);
        List<SinkRecord> records = List.of(record(0, 0, upsert("west", 9, 9)), record(0, 1, applied),
                record(0, 2, "not an envelope"), record(0, 3, fresh));
        EnvelopeReader tolerant = new EnvelopeReader(() -> (record, error) -> null);

        BatchPlan plan = BatchPlan.of(records, "sink", leased(Map.of(P0, 1L)), tolerant::read, recentDots, SELF);

        assertThat(plan.events()).extracting(ChangeEvent::dot).containsExactly(fresh.dot());
        assertThat(plan.skippedByDotCache()).isEqualTo(1);
        assertThat(plan.nextOffsets()).isEqualTo(Map.of(P0, 4L));
    }

    @Test
    void aBatchOfOnlyOwnChangesStillStoresItsOffsets() {
        BatchPlan plan = BatchPlan.of(List.of(record(0, 41, upsert("west", 1, 1))), "sink", leased(Map.of(P0, 2L)),
                r -> Optional.of(upsert("west", 1, 1)), recentDots, SELF);

        assertThat(plan.events()).isEmpty();
        assertThat(plan.hasOffsets()).isTrue();
        assertThat(plan.offsets()).containsExactly(new OffsetUpdate("sink", TOPIC, 0, 42, 2));
    }
}
