package io.syncline.connector.sink;

import io.syncline.core.ChangeEnvelopeCodec;
import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.Dot;
import io.syncline.core.SiteId;
import io.syncline.core.SourceTransaction;
import io.syncline.core.VersionVector;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;

/** Change events and the sink records that carry them, as the sink task's tests need them. */
final class Changes {

    static final String TOPIC = "orders.changes";

    private static final ChangeEnvelopeCodec CODEC = new ChangeEnvelopeCodec();

    private Changes() {
    }

    /** An upsert of {@code public.orders} row {@code id}, written at {@code origin} as its change {@code seq}. */
    static ChangeEvent upsert(String origin, long seq, long id) {
        SiteId site = SiteId.of(origin);
        return new ChangeEvent("public.orders", Long.toString(id), ChangeEvent.Op.UPSERT, List.of("id"),
                Map.of("id", ColumnValue.of(id)), VersionVector.empty().with(site, seq), new Dot(site, seq),
                1L << 16, 0L, "");
    }

    /** The record at {@code offset} of partition {@code partition} that carries {@code event}'s envelope. */
    static SinkRecord record(int partition, long offset, ChangeEvent event) {
        return record(partition, offset, (Object) CODEC.encode(event));
    }

    /** The record at {@code offset} of {@code partition} that carries {@code event} as part of source transaction {@code tx}. */
    static SinkRecord record(int partition, long offset, ChangeEvent event, SourceTransaction tx) {
        return record(partition, offset, (Object) CODEC.encode(event, tx));
    }

    /** The plan of one put of {@code records}, every partition leased with epoch 1, nothing applied before. */
    static BatchPlan plan(List<SinkRecord> records, SiteId self) {
        TransactionInbox inbox = new TransactionInbox("sink", self, new EnvelopeReader(() -> null)::readEnvelope,
                new RecentDots(10), () -> 0L);
        inbox.receive(records, tp -> OptionalLong.of(1));
        return inbox.plan(tp -> 0L, 1_000);
    }

    /** A record with any value, e.g. one that is no envelope. */
    static SinkRecord record(int partition, long offset, Object value) {
        return new SinkRecord(TOPIC, partition, Schema.STRING_SCHEMA, "key", Schema.OPTIONAL_BYTES_SCHEMA, value,
                offset);
    }
}
