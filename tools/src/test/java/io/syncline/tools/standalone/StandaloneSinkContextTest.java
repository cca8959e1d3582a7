package io.syncline.tools.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class StandaloneSinkContextTest {

    private static final TopicPartition P0 = new TopicPartition("g.changes", 0);
    private static final TopicPartition P1 = new TopicPartition("g.changes", 1);

    @Test
    void collectsTheTasksRequestsUntilTheLoopCarriesThemOut() {
        StandaloneSinkContext context = new StandaloneSinkContext(Map.of("site.id", "a"), null, null);

        context.offset(Map.of(P0, 10L));
        context.offset(P1, 7L);
        context.offset(P0, 12L);
        context.pause(P0, P1);
        context.resume(P1);

        assertThat(context.takeSeeks()).isEqualTo(Map.of(P0, 12L, P1, 7L));
        assertThat(context.takeSeeks()).isEmpty();
        assertThat(context.takePauses()).containsExactly(P0);
        assertThat(context.takeResumes()).containsExactly(P1);
        assertThat(context.takePauses()).isEmpty();
        assertThat(context.errantRecordReporter()).isNull();
        assertThat(context.configs()).containsEntry("site.id", "a");
    }

    @Test
    void aCommitRequestIsTakenOnce() {
        StandaloneSinkContext context = new StandaloneSinkContext(Map.of(), null, null);

        context.requestCommit();

        assertThat(context.takeCommitRequest()).isTrue();
        assertThat(context.takeCommitRequest()).isFalse();
    }
}
