package io.syncline.connector.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.SiteId;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PausedPartitionsTest {

    private static final TopicPartition P0 = new TopicPartition("orders.changes", 0);
    private static final TopicPartition P1 = new TopicPartition("orders.changes", 1);

    private final RecordingContext context = new RecordingContext();
    private final PausedPartitions partitions = new PausedPartitions(SiteId.of("west"));
    private final Set<TopicPartition> held = new HashSet<>();
    private final LeaseLookup leases = tp -> held.contains(tp) ? OptionalLong.of(1) : OptionalLong.empty();

    @Test
    void aPartitionWithoutItsLeaseIsRewoundAndPausedUntilTheLeaseIsHeld() {
        partitions.pause(Map.of(P0, 17L, P1, 3L), context);

        assertThat(context.offsets).isEqualTo(Map.of(P0, 17L, P1, 3L));
        assertThat(context.paused).containsExactlyInAnyOrder(P0, P1);

        partitions.resumeLeased(leases, context);
        assertThat(context.resumed).isEmpty();

        held.add(P1);
        partitions.resumeLeased(leases, context);
        assertThat(context.resumed).containsExactly(P1);
        assertThat(context.paused).containsExactly(P0);
        assertThat(partitions.paused()).containsExactly(P0);

        partitions.resumeLeased(leases, context);
        assertThat(context.resumed).as("resumed once").containsExactly(P1);
    }

    @Test
    void aPartitionTheTaskNoLongerHasIsForgotten() {
        partitions.pause(Map.of(P0, 1L), context);
        partitions.forget(List.of(P0));
        held.add(P0);

        partitions.resumeLeased(leases, context);

        assertThat(context.resumed).isEmpty();
        assertThat(partitions.paused()).isEmpty();
    }
}
