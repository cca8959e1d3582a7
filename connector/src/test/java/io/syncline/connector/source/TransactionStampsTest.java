package io.syncline.connector.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.Dot;
import io.syncline.core.SiteId;
import io.syncline.core.SourceTransaction;
import io.syncline.core.VersionVector;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class TransactionStampsTest {

    private static final SiteId EAST = SiteId.of("east");

    private static ChangeEvent event(long seq) {
        return new ChangeEvent("public.orders", Long.toString(seq), ChangeEvent.Op.UPSERT, List.of("id"),
                Map.of("id", ColumnValue.of(seq)), VersionVector.empty().with(EAST, seq), new Dot(EAST, seq), 1, 0, "");
    }

    private static SourceRecord captured(long lsn) {
        return new SourceRecord(Map.of("server", "east"), Map.of("lsn", lsn), "capture.public.orders",
                Schema.STRING_SCHEMA, "x");
    }

    private final TransactionStamps stamps = new TransactionStamps(Map.of(0, 10L));

    @Test
    void oneEventIsHeldUntilTheNextOrTheEndWhichMarksItLast() {
        SourceRecord first = captured(1);
        assertThat(stamps.event(event(1), "t1", List.of(first))).isEmpty();
        assertThat(stamps.holding()).isTrue();

        List<TransactionStamps.Stamped> released = stamps.event(event(2), "t1", List.of(captured(2)));
        assertThat(released).singleElement().satisfies(s -> {
            assertThat(s.event().dot().sequence()).isEqualTo(1);
            assertThat(s.transaction()).isEqualTo(new SourceTransaction("t1", 0, false, Map.of(0, 10L)));
            assertThat(s.carried()).containsExactly(first);
        });

        SourceRecord end = captured(3);
        List<TransactionStamps.Stamped> last = stamps.end(end);
        assertThat(last).singleElement().satisfies(s -> {
            assertThat(s.transaction()).isEqualTo(new SourceTransaction("t1", 1, true, Map.of(0, 10L)));
            assertThat(s.carried()).endsWith(end);
        });
        assertThat(stamps.holding()).isFalse();
    }

    @Test
    void aTransactionDependsOnWhatTheSiteHadAppliedWhenItsFirstChangeWasCaptured() {
        stamps.applied(0, 25);
        stamps.applied(1, 7);
        stamps.applied(0, 20);
        stamps.event(event(1), "t1", List.of(captured(1)));
        stamps.applied(1, 9);
        List<TransactionStamps.Stamped> last = stamps.end(captured(2));
        assertThat(last.get(0).transaction().dependencies()).isEqualTo(Map.of(0, 25L, 1, 7L));

        stamps.event(event(2), "t2", List.of(captured(3)));
        assertThat(stamps.end(captured(4)).get(0).transaction().dependencies()).isEqualTo(Map.of(0, 25L, 1, 9L));
    }

    @Test
    void aMissingEndIsTheNextTransactionsStart() {
        stamps.event(event(1), "t1", List.of(captured(1)));
        List<TransactionStamps.Stamped> released = stamps.event(event(2), "t2", List.of(captured(2)));
        assertThat(released).singleElement().satisfies(s -> assertThat(s.transaction().last()).isTrue());
        assertThat(stamps.end(captured(3)).get(0).transaction()).isEqualTo(new SourceTransaction("t2", 0, true,
                Map.of(0, 10L)));
    }

    @Test
    void anEndOfATransactionThatShippedNothingReleasesNothing() {
        assertThat(stamps.end(captured(1))).isEmpty();
    }

    @Test
    void anEventWithoutATransactionIdShipsAloneUnstamped() {
        List<TransactionStamps.Stamped> released = stamps.event(event(1), null, List.of(captured(1)));
        assertThat(released).singleElement().satisfies(s -> assertThat(s.transaction()).isNull());
        assertThat(stamps.holding()).isFalse();
    }
}
