package io.syncline.connector.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.Dot;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import io.syncline.core.site.KeyText;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** Synthetic Debezium PostgreSQL change records, shaped like the real envelope. */
class ChangePairingTest {

    private static final SiteId EAST = SiteId.of("east");

    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .build();

    private static final Schema ORDERS_KEY = SchemaBuilder.struct().name("capture.public.orders.Key")
            .field("id", Schema.INT64_SCHEMA).build();
    private static final Schema ORDERS_ROW = SchemaBuilder.struct().name("capture.public.orders.Value").optional()
            .field("id", Schema.INT64_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("price", Decimal.builder(2).optional().build())
            .build();

    private static final Schema META_KEY = SchemaBuilder.struct().name("capture.syncline.row_meta.Key")
            .field("table_name", Schema.STRING_SCHEMA).field("pk", Schema.STRING_SCHEMA).build();
    private static final Schema META_ROW = SchemaBuilder.struct().name("capture.syncline.row_meta.Value").optional()
            .field("table_name", Schema.STRING_SCHEMA)
            .field("pk", Schema.STRING_SCHEMA)
            .field("vv", Schema.STRING_SCHEMA)
            .field("hlc", Schema.INT64_SCHEMA)
            .field("origin", Schema.STRING_SCHEMA)
            .field("seq", Schema.INT64_SCHEMA)
            .field("deleted", Schema.BOOLEAN_SCHEMA)
            .build();

    private final ChangePairing pairing = new ChangePairing(EAST);
    private long lsn = 1_000;

    // ---- builders -------------------------------------------------------------------------------

    private static Schema envelope(Schema row) {
        return SchemaBuilder.struct().name(row.name().replace(".Value", ".Envelope"))
                .field("before", row).field("after", row).field("source", SOURCE)
                .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
    }

    private Struct source(String schema, String table, long txId, Long tsMicros, long tsMillis) {
        return new Struct(SOURCE).put("schema", schema).put("table", table).put("txId", txId)
                .put("lsn", lsn).put("ts_us", tsMicros).put("ts_ms", tsMillis);
    }

    private SourceRecord change(String schema, String table, Struct key, Schema rowSchema, String op, Struct before,
            Struct after, long txId, Long tsMicros, long tsMillis) {
        lsn++;
        Schema env = envelope(rowSchema);
        Struct value = new Struct(env).put("before", before).put("after", after)
                .put("source", source(schema, table, txId, tsMicros, tsMillis)).put("op", op);
        return new SourceRecord(Map.of("server", "capture"), Map.of("lsn", lsn, "txId", txId),
                "capture." + schema + "." + table, null, key.schema(), key, env, value);
    }

    private SourceRecord orderWrite(long id, String note, String price, long txId) {
        Struct row = new Struct(ORDERS_ROW).put("id", id).put("note", note)
                .put("price", price == null ? null : new BigDecimal(price));
        return change("public", "orders", new Struct(ORDERS_KEY).put("id", id), ORDERS_ROW, "u", null, row, txId,
                1_700_000_000_123_456L, 1_700_000_000_123L);
    }

    private SourceRecord meta(String table, String pk, String vv, long hlc, String origin, long seq, boolean deleted,
            long txId) {
        Struct row = new Struct(META_ROW).put("table_name", table).put("pk", pk).put("vv", vv).put("hlc", hlc)
                .put("origin", origin).put("seq", seq).put("deleted", deleted);
        return change("syncline", "row_meta", new Struct(META_KEY).put("table_name", table).put("pk", pk), META_ROW,
                "u", null, row, txId, 1_700_000_000_123_456L, 1_700_000_000_123L);
    }

    // ---- cases ----------------------------------------------------------------------------------

    @Test
    void ownRowAndMetaOfOneTransactionBecomeOneChangeEvent() {
        SourceRecord row = orderWrite(42, "first", "19.90", 7);
        ChangePairing.Outcome waiting = pairing.accept(row);
        assertThat(waiting.paired()).isEmpty();
        assertThat(waiting.dropped()).isEmpty();

        SourceRecord meta = meta("public.orders", "42", "east:7,west:3", 123_456_789L, "east", 7, false, 7);
        long metaLsn = lsn;
        ChangePairing.Outcome outcome = pairing.accept(meta);

        assertThat(outcome.dropped()).isEmpty();
        assertThat(outcome.paired()).isPresent();
        ChangePairing.Paired paired = outcome.paired().get();
        assertThat(paired.carried()).containsExactly(row, meta);
        ChangeEvent event = paired.event();
        assertThat(event.table()).isEqualTo("public.orders");
        assertThat(event.key()).isEqualTo("42");
        assertThat(event.op()).isEqualTo(ChangeEvent.Op.UPSERT);
        assertThat(event.keyColumns()).containsExactly("id");
        assertThat(event.columns()).containsExactly(
                Map.entry("id", ColumnValue.of(42L)),
                Map.entry("note", ColumnValue.of("first")),
                Map.entry("price", ColumnValue.of(new BigDecimal("19.90"))));
        assertThat(event.vv()).isEqualTo(VersionVector.parse("east:7,west:3"));
        assertThat(event.dot()).isEqualTo(new Dot(EAST, 7));
        assertThat(event.hlc()).isEqualTo(123_456_789L);
        assertThat(event.commitTimeMicros()).isEqualTo(1_700_000_000_123_456L);
        assertThat(event.sourcePosition()).isEqualTo("lsn:" + metaLsn);
        assertThat(pairing.droppedForeign()).isZero();
        assertThat(pairing.unpaired()).isZero();
    }

    @Test
    void atAMetaFirstSiteARowChangeWithNoMetaWaitingIsAnAppliedOneAndIsDroppedAtOnce() {
        ChangePairing postgres = new ChangePairing(EAST, true);
        SourceRecord applied = orderWrite(42, "from west", "1.00", 7);

        ChangePairing.Outcome outcome = postgres.accept(applied);

        assertThat(outcome.paired()).isEmpty();
        assertThat(outcome.dropped()).containsExactly(applied);
        assertThat(postgres.buffered()).isZero();
        assertThat(postgres.droppedForeign()).isEqualTo(1);
        assertThat(postgres.unpaired()).isZero();
    }

    @Test
    void atAMetaFirstSiteALocalWritesMetaThenRowArePaired() {
        ChangePairing postgres = new ChangePairing(EAST, true);
        SourceRecord meta = meta("public.orders", "42", "east:8", 5L, "east", 8, false, 9);
        assertThat(postgres.accept(meta).paired()).isEmpty();
        SourceRecord row = orderWrite(42, "local", "2.00", 9);

        ChangePairing.Outcome outcome = postgres.accept(row);

        assertThat(outcome.paired()).isPresent();
        assertThat(outcome.paired().get().carried()).containsExactlyInAnyOrder(meta, row);
        assertThat(outcome.paired().get().event().dot()).isEqualTo(new Dot(EAST, 8));
        assertThat(postgres.buffered()).isZero();
        assertThat(postgres.droppedForeign()).isZero();
    }

    @Test
    void commitTimeFallsBackToMillisWithoutMicros() {
        Struct row = new Struct(ORDERS_ROW).put("id", 1L);
        pairing.accept(change("public", "orders", new Struct(ORDERS_KEY).put("id", 1L), ORDERS_ROW, "c", null, row,
                5, null, 1_700_000_000_123L));
        Struct m = new Struct(META_ROW).put("table_name", "public.orders").put("pk", "1").put("vv", "east:1")
                .put("hlc", 1L).put("origin", "east").put("seq", 1L).put("deleted", false);
        ChangePairing.Outcome outcome = pairing.accept(change("syncline", "row_meta",
                new Struct(META_KEY).put("table_name", "public.orders").put("pk", "1"), META_ROW, "c", null, m, 5,
                null, 1_700_000_000_123L));
        assertThat(outcome.paired()).isPresent();
        assertThat(outcome.paired().get().event().commitTimeMicros()).isEqualTo(1_700_000_000_123_000L);
    }

    @Test
    void anAppliedChangeOfAnotherSiteIsDroppedWithItsMeta() {
        SourceRecord row = orderWrite(42, "from west", null, 8);
        pairing.accept(row);
        SourceRecord meta = meta("public.orders", "42", "east:2,west:9", 99L, "west", 9, false, 8);
        ChangePairing.Outcome outcome = pairing.accept(meta);
        assertThat(outcome.paired()).isEmpty();
        assertThat(outcome.dropped()).containsExactlyInAnyOrder(row, meta);
        assertThat(pairing.droppedForeign()).isEqualTo(1);

        // Nothing of it lingers: the next own write of the row pairs normally.
        SourceRecord again = orderWrite(42, "local", null, 9);
        pairing.accept(again);
        ChangePairing.Outcome own = pairing.accept(meta("public.orders", "42", "east:3,west:9", 100L, "east", 3,
                false, 9));
        assertThat(own.paired()).isPresent();
        assertThat(own.paired().get().carried()).first().isSameAs(again);
    }

    @Test
    void metaWithoutItsRowIsDroppedWhenTheNextTransactionStarts() {
        SourceRecord meta = meta("public.orders", "42", "east:7", 1L, "east", 7, false, 3);
        ChangePairing.Outcome outcome = pairing.accept(meta);
        assertThat(outcome.paired()).isEmpty();
        assertThat(outcome.dropped()).as("its row may still come in the same transaction").isEmpty();
        assertThat(pairing.buffered()).isEqualTo(1);

        SourceRecord next = orderWrite(1, "next tx", null, 4);
        assertThat(pairing.accept(next).dropped()).containsExactly(meta);
        assertThat(pairing.unpaired()).as("a meta change without a row is no lost write").isZero();
    }

    @Test
    void metaForAnotherRowDoesNotPairWithAPendingRow() {
        SourceRecord row = orderWrite(42, null, null, 3);
        pairing.accept(row);
        SourceRecord other = meta("public.orders", "43", "east:7", 1L, "east", 7, false, 3);
        ChangePairing.Outcome outcome = pairing.accept(other);
        assertThat(outcome.paired()).isEmpty();
        assertThat(pairing.accept(meta("public.orders", "42", "east:8", 2L, "east", 8, false, 3)).paired())
                .isPresent();
        assertThat(pairing.accept(orderWrite(5, null, null, 4)).dropped()).containsExactly(other);
    }

    @Test
    void metaWrittenBeforeItsRowPairsWithIt() {
        // The capture trigger runs BEFORE the row is written: its meta change comes first.
        SourceRecord meta = meta("public.orders", "42", "east:7", 9L, "east", 7, false, 70);
        assertThat(pairing.accept(meta).dropped()).isEmpty();
        SourceRecord row = orderWrite(42, "after meta", null, 70);
        long rowLsn = lsn;
        ChangePairing.Outcome outcome = pairing.accept(row);
        ChangePairing.Paired paired = outcome.paired().orElseThrow();
        assertThat(outcome.dropped()).isEmpty();
        assertThat(paired.carried()).containsExactlyInAnyOrder(row, meta);
        assertThat(paired.event().dot()).isEqualTo(new Dot(EAST, 7));
        assertThat(paired.event().columns()).containsEntry("note", ColumnValue.of("after meta"));
        assertThat(paired.event().sourcePosition()).isEqualTo("lsn:" + rowLsn);
        assertThat(pairing.buffered()).isZero();
    }

    @Test
    void oneLargeStatementWithMetaBeforeEachRowBuffersOnePairAtATime() {
        for (long id = 1; id <= 10_000; id++) {
            assertThat(pairing.accept(meta("public.orders", Long.toString(id), "east:" + id, id, "east", id, false, 80))
                    .dropped()).isEmpty();
            assertThat(pairing.accept(orderWrite(id, "bulk", null, 80)).paired()).isPresent();
        }
        assertThat(pairing.buffered()).isZero();
        assertThat(pairing.bufferedPeak()).isEqualTo(1);
    }

    @Test
    void anAppliedChangeWrittenMetaFirstIsDroppedToo() {
        SourceRecord meta = meta("public.orders", "42", "east:2,west:9", 99L, "west", 9, false, 81);
        pairing.accept(meta);
        SourceRecord row = orderWrite(42, "from west", null, 81);
        ChangePairing.Outcome outcome = pairing.accept(row);
        assertThat(outcome.paired()).isEmpty();
        assertThat(outcome.dropped()).containsExactlyInAnyOrder(row, meta);
        assertThat(pairing.droppedForeign()).isEqualTo(1);
    }

    @Test
    void aRowWhoseTransactionEndsWithoutMetaIsDroppedWhenTheNextTransactionStarts() {
        SourceRecord orphan = orderWrite(42, "no trigger", null, 10);
        assertThat(pairing.accept(orphan).dropped()).isEmpty();
        SourceRecord sameTx = orderWrite(43, "no trigger either", null, 10);
        assertThat(pairing.accept(sameTx).dropped()).as("same transaction: still waiting").isEmpty();

        SourceRecord next = orderWrite(44, "next tx", null, 11);
        ChangePairing.Outcome outcome = pairing.accept(next);
        assertThat(outcome.paired()).isEmpty();
        assertThat(outcome.dropped()).containsExactlyInAnyOrder(orphan, sameTx);
        assertThat(pairing.unpaired()).isEqualTo(2);

        // The new transaction's row is still waiting for its meta.
        ChangePairing.Outcome paired = pairing.accept(meta("public.orders", "44", "east:1", 1L, "east", 1, false,
                11));
        assertThat(paired.paired()).isPresent();
        assertThat(paired.paired().get().carried()).first().isSameAs(next);
    }

    @Test
    void aDeleteBecomesADeleteEventFromTheBeforeImageKey() {
        // REPLICA IDENTITY DEFAULT: the before image holds the key; other columns are null.
        Struct before = new Struct(ORDERS_ROW).put("id", 42L);
        SourceRecord delete = change("public", "orders", new Struct(ORDERS_KEY).put("id", 42L), ORDERS_ROW, "d",
                before, null, 12, 5L, 0L);
        pairing.accept(delete);
        ChangePairing.Outcome outcome = pairing.accept(meta("public.orders", "42", "east:9", 5L, "east", 9, true,
                12));
        assertThat(outcome.paired()).isPresent();
        ChangeEvent event = outcome.paired().get().event();
        assertThat(event.op()).isEqualTo(ChangeEvent.Op.DELETE);
        assertThat(event.key()).isEqualTo("42");
        assertThat(event.columns()).containsEntry("id", ColumnValue.of(42L));
        assertThat(outcome.paired().get().carried()).first().isSameAs(delete);
    }

    @Test
    void aDeleteWithoutBeforeImageUsesTheRecordKey() {
        SourceRecord delete = change("public", "orders", new Struct(ORDERS_KEY).put("id", 42L), ORDERS_ROW, "d",
                null, null, 12, 5L, 0L);
        pairing.accept(delete);
        ChangePairing.Outcome outcome = pairing.accept(meta("public.orders", "42", "east:9", 5L, "east", 9, true,
                12));
        ChangeEvent event = outcome.paired().orElseThrow().event();
        assertThat(event.op()).isEqualTo(ChangeEvent.Op.DELETE);
        assertThat(event.columns()).containsExactly(Map.entry("id", ColumnValue.of(42L)));
    }

    @Test
    void compositeKeyTextIsEscapedLikeKeyText() {
        Schema key = SchemaBuilder.struct().field("region", Schema.STRING_SCHEMA).field("id", Schema.INT32_SCHEMA)
                .build();
        Schema row = SchemaBuilder.struct().name("capture.shop.lines.Value").optional()
                .field("region", Schema.STRING_SCHEMA).field("id", Schema.INT32_SCHEMA)
                .field("qty", Schema.OPTIONAL_INT16_SCHEMA).build();
        String region = "a,b\\c";
        String expected = KeyText.of(List.of(region, "7"));
        assertThat(expected).isEqualTo("a\\,b\\\\c,7");

        pairing.accept(change("shop", "lines", new Struct(key).put("region", region).put("id", 7), row, "c", null,
                new Struct(row).put("region", region).put("id", 7).put("qty", (short) 3), 20, 1L, 0L));
        ChangePairing.Outcome outcome = pairing.accept(meta("shop.lines", expected, "east:1", 1L, "east", 1, false,
                20));
        ChangeEvent event = outcome.paired().orElseThrow().event();
        assertThat(event.table()).isEqualTo("shop.lines");
        assertThat(event.key()).isEqualTo(expected);
        assertThat(event.keyColumns()).containsExactly("region", "id");
        assertThat(event.columns()).containsEntry("qty", ColumnValue.of(3L));
    }

    @Test
    void compositeKeyWithAnEmptyFirstPartPairsWithTheSqlKeyText() {
        // syncline.row_key('{"a":"","b":"x"}', {a,b}) = ',x'
        Schema key = SchemaBuilder.struct().field("a", Schema.STRING_SCHEMA).field("b", Schema.STRING_SCHEMA).build();
        Schema row = SchemaBuilder.struct().name("capture.public.pairs.Value").optional()
                .field("a", Schema.STRING_SCHEMA).field("b", Schema.STRING_SCHEMA).build();
        pairing.accept(change("public", "pairs", new Struct(key).put("a", "").put("b", "x"), row, "c", null,
                new Struct(row).put("a", "").put("b", "x"), 21, 1L, 0L));
        ChangePairing.Outcome outcome = pairing.accept(meta("public.pairs", ",x", "east:1", 1L, "east", 1, false,
                21));
        assertThat(outcome.paired()).isPresent();
        assertThat(outcome.paired().get().event().key()).isEqualTo(",x");
    }

    @Test
    void decimalKeyTextIsThePlainString() {
        Schema keySchema = SchemaBuilder.struct().field("code", Decimal.schema(2)).build();
        Schema row = SchemaBuilder.struct().name("capture.public.prices.Value").optional()
                .field("code", Decimal.schema(2)).build();
        BigDecimal code = new BigDecimal("12345678901234567890.50");
        pairing.accept(change("public", "prices", new Struct(keySchema).put("code", code), row, "c", null,
                new Struct(row).put("code", code), 30, 1L, 0L));
        ChangePairing.Outcome outcome = pairing.accept(meta("public.prices", "12345678901234567890.50", "east:1", 1L,
                "east", 1, false, 30));
        ChangeEvent event = outcome.paired().orElseThrow().event();
        assertThat(event.key()).isEqualTo("12345678901234567890.50");
        assertThat(event.columns()).containsEntry("code", ColumnValue.of(code));
    }

    @Test
    void decimalKeyWithNegativeScaleIsNotWrittenInExponentForm() {
        Schema keySchema = SchemaBuilder.struct().field("code", Decimal.schema(-3)).build();
        Schema row = SchemaBuilder.struct().name("capture.public.big.Value").optional()
                .field("code", Decimal.schema(-3)).build();
        BigDecimal code = new BigDecimal("5E+3");
        pairing.accept(change("public", "big", new Struct(keySchema).put("code", code), row, "c", null,
                new Struct(row).put("code", code), 31, 1L, 0L));
        ChangePairing.Outcome outcome = pairing.accept(meta("public.big", "5000", "east:1", 1L, "east", 1, false,
                31));
        assertThat(outcome.paired().orElseThrow().event().key()).isEqualTo("5000");
    }

    @Test
    void recordsThatAreNotChangesAreDroppedAtOnce() {
        SourceRecord tombstone = new SourceRecord(Map.of(), Map.of(), "capture.public.orders", null, ORDERS_KEY,
                new Struct(ORDERS_KEY).put("id", 1L), null, null);
        assertThat(pairing.accept(tombstone).dropped()).containsExactly(tombstone);

        Schema beat = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat")
                .field("ts_ms", Schema.INT64_SCHEMA).build();
        SourceRecord heartbeat = new SourceRecord(Map.of(), Map.of(), "__debezium-heartbeat.capture", null, beat,
                new Struct(beat).put("ts_ms", 1L));
        assertThat(pairing.accept(heartbeat).dropped()).containsExactly(heartbeat);
    }

    @Test
    void aChangeWithoutPrimaryKeyIsDropped() {
        Struct row = new Struct(ORDERS_ROW).put("id", 1L);
        SourceRecord change = change("public", "orders", new Struct(ORDERS_KEY).put("id", 1L), ORDERS_ROW, "c", null,
                row, 40, 1L, 0L);
        SourceRecord keyless = new SourceRecord(change.sourcePartition(), change.sourceOffset(), change.topic(), null,
                null, null, change.valueSchema(), change.value());
        ChangePairing.Outcome outcome = pairing.accept(keyless);
        assertThat(outcome.paired()).isEmpty();
        assertThat(outcome.dropped()).containsExactly(keyless);
    }

    @Test
    void aSecondWriteOfTheSameRowReplacesAnUnpairedFirst() {
        SourceRecord first = orderWrite(42, "one", null, 50);
        SourceRecord second = orderWrite(42, "two", null, 50);
        pairing.accept(first);
        ChangePairing.Outcome outcome = pairing.accept(second);
        assertThat(outcome.dropped()).containsExactly(first);
        ChangePairing.Outcome paired = pairing.accept(meta("public.orders", "42", "east:4", 1L, "east", 4, false,
                50));
        assertThat(paired.paired().orElseThrow().event().columns()).containsEntry("note", ColumnValue.of("two"));
    }

    @Test
    void severalRowsOfOneTransactionPairWithTheirOwnMeta() {
        SourceRecord a = orderWrite(1, "a", null, 60);
        SourceRecord b = orderWrite(2, "b", null, 60);
        pairing.accept(a);
        pairing.accept(b);
        ChangePairing.Outcome mb = pairing.accept(meta("public.orders", "2", "east:11", 1L, "east", 11, false, 60));
        ChangePairing.Outcome ma = pairing.accept(meta("public.orders", "1", "east:10", 1L, "east", 10, false, 60));
        assertThat(mb.paired().orElseThrow().carried()).first().isSameAs(b);
        assertThat(ma.paired().orElseThrow().carried()).first().isSameAs(a);
        assertThat(ma.paired().get().event().dot()).isEqualTo(new Dot(EAST, 10));
    }
}
