package io.syncline.core.site;

import static io.syncline.core.site.PrivatePostgres.execute;
import static io.syncline.core.site.PrivatePostgres.meta;
import static io.syncline.core.site.PrivatePostgres.requireMeta;
import static io.syncline.core.site.PrivatePostgres.single;
import static io.syncline.core.site.PrivatePostgres.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.Dot;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import io.syncline.core.apply.ApplyResult;
import io.syncline.core.apply.BatchOutcome;
import io.syncline.core.apply.ConflictType;
import io.syncline.core.apply.Dialect;
import io.syncline.core.apply.FencedException;
import io.syncline.core.apply.LoggedConflict;
import io.syncline.core.apply.OffsetUpdate;
import io.syncline.core.apply.RejectionHandler;
import io.syncline.core.apply.SiteApplier;
import io.syncline.core.site.PrivatePostgres.Meta;
import io.syncline.testkit.Deadlines;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replica apply at a real PostgreSQL site {@code a}, with events written by hand as sites
 * {@code b} and {@code c} would send them.
 */
class PostgresApplierIT {

    /** Reads stored offsets only; it never meets a conflict. */
    private static final SiteApplier OFFSETS = new SiteApplier(Dialect.postgres(), SiteId.of("offsets"), new NewestWins(),
            false);

    private static final SiteId A = SiteId.of("a");
    private static final PostgresSiteInstaller INSTALLER = new PostgresSiteInstaller(A, "shop");

    private static PrivatePostgres postgres;
    private static String site;

    private final long now = System.currentTimeMillis() << 16;
    /** A clock ahead of the site's by so much that the site's own clock cannot overtake it in a test. */
    private final long inAnHour = (System.currentTimeMillis() + 3_600_000) << 16;

    @BeforeAll
    static void startServer() throws Exception {
        postgres = PrivatePostgres.start();
        site = postgres.newDatabase();
        try (Connection c = postgres.connect(site)) {
            INSTALLER.install(c, List.of());
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void writesEveryTypeExactlyAndTheMeta() throws Exception {
        try (Connection c = postgres.connect(site)) {
            String table = uniqueName("typed");
            execute(c, "CREATE TABLE public." + table + " (id bigint PRIMARY KEY, amount numeric(38,10), note text, "
                    + "at_tz timestamptz, at_local timestamp, day date, ref uuid, doc jsonb, blob bytea, "
                    + "flag boolean, ratio double precision, missing text)");
            INSTALLER.install(c, List.of(TableRef.parse(table)));
            BigDecimal amount = new BigDecimal("1234567890123456789012345678.0123456789");
            String note = "héllo 🌍 \"double\" 'single' \\ back\nline";
            Instant atTz = Instant.parse("2024-02-29T23:59:59.123456Z");
            LocalDateTime atLocal = LocalDateTime.parse("1999-12-31T23:59:59.654321");
            LocalDate day = LocalDate.parse("0001-01-01");
            UUID ref = UUID.fromString("3f1c9a2e-7b4d-4e8f-9a0b-1c2d3e4f5a6b");
            byte[] blob = {0, 1, (byte) 0xff, (byte) 0x80, 0x27, 0x5c};
            double ratio = 0.1 + 0.2;
            Map<String, ColumnValue> full = columns(
                    "id", ColumnValue.of(1L),
                    "amount", ColumnValue.of(amount),
                    "note", ColumnValue.of(note),
                    "at_tz", ColumnValue.of(atTz),
                    "at_local", ColumnValue.of(atLocal),
                    "day", ColumnValue.of(day),
                    "ref", ColumnValue.of(ref),
                    "doc", ColumnValue.json("{\"b\": [1, 2.50, \"ü\"], \"a\": null}"),
                    "blob", ColumnValue.of(blob),
                    "flag", ColumnValue.of(true),
                    "ratio", ColumnValue.of(ratio),
                    "missing", ColumnValue.NULL);
            Map<String, ColumnValue> nulls = new LinkedHashMap<>();
            full.keySet().forEach(name -> nulls.put(name, ColumnValue.NULL));
            nulls.put("id", ColumnValue.of(2L));

            ApplyResult result = new SiteApplier(Dialect.postgres(), A, new NewestWins(), false).apply(c, List.of(
                    upsert(table, "1", full, "b:1", "b:1", now + 1),
                    upsert(table, "2", nulls, "b:2,c:4", "b:2", now + 2)), List.of());

            assertThat(result).isEqualTo(new ApplyResult(2, 0, 0));
            try (PreparedStatement ps = c.prepareStatement("SELECT *, doc = CAST(? AS jsonb) AS same_doc, "
                    + "doc -> 'b' ->> 1 AS doc_decimal FROM public." + table + " ORDER BY id")) {
                ps.setString(1, "{\"a\": null, \"b\": [1, 2.50, \"ü\"]}");
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong("id")).isEqualTo(1);
                    assertThat(rs.getBigDecimal("amount")).isEqualTo(amount);
                    assertThat(rs.getString("note")).isEqualTo(note);
                    assertThat(rs.getObject("at_tz", OffsetDateTime.class).toInstant()).isEqualTo(atTz);
                    assertThat(rs.getObject("at_local", LocalDateTime.class)).isEqualTo(atLocal);
                    assertThat(rs.getObject("day", LocalDate.class)).isEqualTo(day);
                    assertThat(rs.getObject("ref", UUID.class)).isEqualTo(ref);
                    assertThat(rs.getBoolean("same_doc")).isTrue();
                    assertThat(rs.getString("doc_decimal")).isEqualTo("2.50");
                    assertThat(rs.getBytes("blob")).isEqualTo(blob);
                    assertThat(rs.getBoolean("flag")).isTrue();
                    assertThat(rs.getDouble("ratio")).isEqualTo(ratio);
                    assertThat(rs.getString("missing")).isNull();

                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong("id")).isEqualTo(2);
                    for (String column : List.of("amount", "note", "at_tz", "at_local", "day", "ref", "doc", "blob",
                            "flag", "ratio", "missing")) {
                        assertThat(rs.getObject(column)).as("column %s of row 2", column).isNull();
                    }
                    assertThat(rs.next()).isFalse();
                }
            }
            assertThat(requireMeta(c, "public." + table, "1")).isEqualTo(new Meta("b:1", now + 1, "b", 1, false));
            assertThat(requireMeta(c, "public." + table, "2")).isEqualTo(new Meta("b:2,c:4", now + 2, "b", 2, false));
        }
    }

    @Test
    void replayingABatchChangesNothingAndLedgersEachDotOnce() throws Exception {
        try (Connection c = postgres.connect(site)) {
            String table = simpleTable(c);
            List<ChangeEvent> batch = List.of(
                    upsert(table, "1", row(1, "apple"), "b:1", "b:1", now + 1),
                    upsert(table, "2", row(2, "pear"), "b:2", "b:2", now + 2),
                    upsert(table, "1", row(1, "apple 2"), "b:3", "b:3", now + 3),
                    delete(table, "3", 3, "b:4,c:1", "b:4", now + 4));
            SiteApplier applier = new SiteApplier(Dialect.postgres(), A, new NewestWins(), true);

            assertThat(applier.apply(c, batch, List.of())).isEqualTo(new ApplyResult(4, 0, 0));
            String rowsAfterFirst = snapshot(c, table);

            ApplyResult replay = applier.apply(c, batch, List.of());

            assertThat(replay).isEqualTo(new ApplyResult(0, batch.size(), 0));
            assertThat(snapshot(c, table)).isEqualTo(rowsAfterFirst);
            assertThat(single(c, "SELECT string_agg(dot_origin || ':' || dot_seq || '=' || n, ',' ORDER BY dot_seq) "
                    + "FROM (SELECT dot_origin, dot_seq, count(*) AS n FROM syncline.apply_ledger "
                    + "WHERE table_name = ? GROUP BY 1, 2) d", "public." + table))
                    .isEqualTo("b:1=1,b:2=1,b:3=1,b:4=1");
            assertThat(single(c, "SELECT string_agg(id || '=' || item, ',' ORDER BY id) FROM public." + table))
                    .isEqualTo("1=apple 2,2=pear");
            assertThat(requireMeta(c, "public." + table, "3")).isEqualTo(new Meta("b:4,c:1", now + 4, "b", 4, true));
        }
    }

    @Test
    void appliesANewerVersionAndSkipsAnOlderOne() throws Exception {
        try (Connection c = postgres.connect(site)) {
            String table = simpleTable(c);
            SiteApplier applier = new SiteApplier(Dialect.postgres(), A, new NewestWins(), false);
            applier.apply(c, List.of(upsert(table, "1", row(1, "v1"), "b:1", "b:1", now + 1)), List.of());

            ApplyResult newer = applier.apply(c,
                    List.of(upsert(table, "1", row(1, "v2"), "b:2,c:3", "b:2", now + 2)), List.of());

            assertThat(newer).isEqualTo(new ApplyResult(1, 0, 0));
            assertThat(item(c, table, 1)).isEqualTo("v2");
            assertThat(requireMeta(c, "public." + table, "1")).isEqualTo(new Meta("b:2,c:3", now + 2, "b", 2, false));

            // Older although its clock is later: the vector decides, not the clock.
            ApplyResult older = applier.apply(c,
                    List.of(upsert(table, "1", row(1, "stale"), "c:3", "c:3", inAnHour)), List.of());

            assertThat(older).isEqualTo(new ApplyResult(0, 1, 0));
            assertThat(item(c, table, 1)).isEqualTo("v2");
            assertThat(requireMeta(c, "public." + table, "1")).isEqualTo(new Meta("b:2,c:3", now + 2, "b", 2, false));
        }
    }

    @Test
    void concurrentVersionsConvergeWhicheverOrderTheyArriveIn() throws Exception {
        try (Connection c = postgres.connect(site)) {
            String first = simpleTable(c);
            String second = simpleTable(c);
            SiteApplier applier = new SiteApplier(Dialect.postgres(), A, new NewestWins(), false);

            // b then c: the later c wins and replaces b's row.
            applier.apply(c, List.of(upsert(first, "1", row(1, "from b"), "b:5", "b:5", now + 10)), List.of());
            ApplyResult cOverB = applier.apply(c,
                    List.of(upsert(first, "1", row(1, "from c"), "c:2", "c:2", now + 20)), List.of());
            // c then b: the earlier b loses, but its counter joins the vector.
            applier.apply(c, List.of(upsert(second, "1", row(1, "from c"), "c:2", "c:2", now + 20)), List.of());
            ApplyResult bUnderC = applier.apply(c,
                    List.of(upsert(second, "1", row(1, "from b"), "b:5", "b:5", now + 10)), List.of());

            assertThat(cOverB).isEqualTo(new ApplyResult(1, 0, 1));
            assertThat(bUnderC).isEqualTo(new ApplyResult(0, 0, 1));
            Meta expected = new Meta("b:5,c:2", now + 20, "c", 2, false);
            assertThat(requireMeta(c, "public." + first, "1")).isEqualTo(expected);
            assertThat(requireMeta(c, "public." + second, "1")).isEqualTo(expected);
            assertThat(item(c, first, 1)).isEqualTo("from c");
            assertThat(item(c, second, 1)).isEqualTo("from c");

            // A version that saw both is newer than the join: no conflict any more.
            ApplyResult merged = applier.apply(c,
                    List.of(upsert(first, "1", row(1, "merged"), "b:6,c:2", "b:6", now + 5)), List.of());
            assertThat(merged).isEqualTo(new ApplyResult(1, 0, 0));
            assertThat(item(c, first, 1)).isEqualTo("merged");
        }
    }

    @Test
    void equalClocksAreOrderedBySiteId() throws Exception {
        try (Connection c = postgres.connect(site)) {
            String table = simpleTable(c);
            SiteApplier applier = new SiteApplier(Dialect.postgres(), A, new NewestWins(), false);
            applier.apply(c, List.of(upsert(table, "1", row(1, "from c"), "c:1", "c:1", now)), List.of());

            ApplyResult result = applier.apply(c,
                    List.of(upsert(table, "1", row(1, "from b"), "b:1", "b:1", now)), List.of());

            assertThat(result).isEqualTo(new ApplyResult(0, 0, 1));
            assertThat(item(c, table, 1)).isEqualTo("from c");
            assertThat(requireMeta(c, "public." + table, "1")).isEqualTo(new Meta("b:1,c:1", now, "c", 1, false));
        }
    }

    @Test
    void deleteRemovesTheRowAndKeepsATombstoneThatOutranksOlderVersions() throws Exception {
        try (Connection c = postgres.connect(site)) {
            String table = simpleTable(c);
            SiteApplier applier = new SiteApplier(Dialect.postgres(), A, new NewestWins(), false);
            ChangeEvent written = upsert(table, "1", row(1, "apple"), "b:1", "b:1", now + 1);
            applier.apply(c, List.of(written), List.of());

            ApplyResult deleted = applier.apply(c, List.of(delete(table, "1", 1, "b:2", "b:2", now + 2)), List.of());

            assertThat(deleted).isEqualTo(new ApplyResult(1, 0, 0));
            assertThat(single(c, "SELECT count(*) FROM public." + table)).isEqualTo("0");
            assertThat(requireMeta(c, "public." + table, "1")).isEqualTo(new Meta("b:2", now + 2, "b", 2, true));

            assertThat(applier.apply(c, List.of(written), List.of())).isEqualTo(new ApplyResult(0, 1, 0));
            assertThat(single(c, "SELECT count(*) FROM public." + table)).as("rows after a late old version")
                    .isEqualTo("0");
        }
    }

    @Test
    void storesOffsetsWithTheRows() throws Exception {
        try (Connection c = postgres.connect(site)) {
            String table = simpleTable(c);
            String consumer = uniqueName("sink");
            SiteApplier applier = new SiteApplier(Dialect.postgres(), A, new NewestWins(), false);

            applier.apply(c, List.of(upsert(table, "1", row(1, "apple"), "b:1", "b:1", now)), List.of(
                    new OffsetUpdate(consumer, "shop.changes", 0, 10, 1),
                    new OffsetUpdate(consumer, "shop.changes", 3, 7, 1),
                    new OffsetUpdate(consumer, "other.changes", 0, 99, 1)));
            applier.apply(c, List.of(), List.of(new OffsetUpdate(consumer, "shop.changes", 0, 12, 1)));

            assertThat(OFFSETS.storedOffsets(c, consumer, "shop.changes")).isEqualTo(Map.of(0, 12L, 3, 7L));
            assertThat(OFFSETS.storedOffsets(c, consumer, "other.changes")).isEqualTo(Map.of(0, 99L));
            assertThat(OFFSETS.storedOffsets(c, uniqueName("sink"), "shop.changes")).isEmpty();
        }
    }

    @Test
    void anOlderEpochIsFencedAndWritesNothing() throws Exception {
        try (Connection c = postgres.connect(site)) {
            String table = simpleTable(c);
            String consumer = uniqueName("sink");
            SiteApplier applier = new SiteApplier(Dialect.postgres(), A, new NewestWins(), true);
            applier.apply(c, List.of(upsert(table, "1", row(1, "apple"), "b:1", "b:1", now + 1)),
                    List.of(new OffsetUpdate(consumer, "shop.changes", 0, 10, 5)));
            String before = snapshot(c, table);
            List<ChangeEvent> zombieBatch = List.of(
                    upsert(table, "1", row(1, "zombie"), "b:2", "b:2", now + 2),
                    upsert(table, "2", row(2, "zombie"), "b:3", "b:3", now + 3));

            assertThatThrownBy(() -> applier.apply(c, zombieBatch,
                    List.of(new OffsetUpdate(consumer, "shop.changes", 1, 50, 7),
                            new OffsetUpdate(consumer, "shop.changes", 0, 20, 4))))
                    .isInstanceOf(FencedException.class)
                    .hasMessageContaining("epoch 4");

            assertThat(snapshot(c, table)).isEqualTo(before);
            assertThat(meta(c, "public." + table, "2")).as("meta of a row only the fenced batch had").isEmpty();
            assertThat(single(c, "SELECT count(*) FROM syncline.apply_ledger WHERE table_name = ?", "public." + table))
                    .isEqualTo("1");
            assertThat(OFFSETS.storedOffsets(c, consumer, "shop.changes")).isEqualTo(Map.of(0, 10L));

            // The current writer (same epoch) or a newer one goes on.
            assertThat(applier.apply(c, zombieBatch, List.of(new OffsetUpdate(consumer, "shop.changes", 0, 20, 5))))
                    .isEqualTo(new ApplyResult(2, 0, 0));
            assertThat(OFFSETS.storedOffsets(c, consumer, "shop.changes")).isEqualTo(Map.of(0, 20L));
        }
    }

    @Test
    void aLocalWriteAfterAnApplyIncludesBothSitesAndALaterClock() throws Exception {
        try (Connection c = postgres.connect(site)) {
            String table = simpleTable(c);
            SiteApplier applier = new SiteApplier(Dialect.postgres(), A, new NewestWins(), false);
            long fastClock = inAnHour + 7;
            long slowClock = ((System.currentTimeMillis() - 3_600_000) << 16) + 7;
            applier.apply(c, List.of(
                    upsert(table, "1", row(1, "remote"), "b:4", "b:4", fastClock),
                    upsert(table, "2", row(2, "remote"), "b:5", "b:5", slowClock)), List.of());
            c.setAutoCommit(true);

            long before = System.currentTimeMillis();
            execute(c, "UPDATE public." + table + " SET item = 'local'");
            long after = System.currentTimeMillis();

            Meta ahead = requireMeta(c, "public." + table, "1");
            assertThat(ahead.vv()).isEqualTo("a:" + ahead.seq() + ",b:4");
            assertThat(ahead.origin()).isEqualTo("a");
            assertThat(ahead.deleted()).isFalse();
            assertThat(ahead.hlc()).as("hlc after a remote write from a clock ahead").isEqualTo(fastClock + 1);
            Meta behind = requireMeta(c, "public." + table, "2");
            assertThat(behind.vv()).isEqualTo("a:" + behind.seq() + ",b:5");
            assertThat(behind.hlc()).isGreaterThan(slowClock);
            assertThat(behind.hlc() >> 16).isBetween(before - 1_000, after + 1_000);
        }
    }

    @Test
    void aLocalTransactionAndAnApplyOfTheSameRowAreSerialized() throws Exception {
        try (Connection local = postgres.connect(site); Connection apply = postgres.connect(site)) {
            String table = simpleTable(local);
            SiteApplier applier = new SiteApplier(Dialect.postgres(), A, new NewestWins(), false);
            applier.apply(apply, List.of(upsert(table, "1", row(1, "v1"), "b:1", "b:1", now)), List.of());

            local.setAutoCommit(false);
            execute(local, "UPDATE public." + table + " SET item = 'local' WHERE id = 1");
            long localSeq = requireMeta(local, "public." + table, "1").seq();
            ApplyResult result = applyWhileLocalCommitsLast(local, apply, applier,
                    upsert(table, "1", row(1, "remote"), "b:2", "b:2", inAnHour), "the row");

            assertThat(result).as("the apply saw the local write: a conflict").isEqualTo(new ApplyResult(1, 0, 1));
            assertThat(requireMeta(local, "public." + table, "1"))
                    .isEqualTo(new Meta("a:" + localSeq + ",b:2", inAnHour, "b", 2, false));
            assertThat(item(local, table, 1)).isEqualTo("remote");
            local.commit();
        }
    }

    @Test
    void aBatchOfNewAndKnownKeysWritesEachNewKeysMetaOnceAndStillDetectsConflicts() throws Exception {
        try (Connection c = postgres.connect(site)) {
            String table = simpleTable(c);
            SiteApplier applier = new SiteApplier(Dialect.postgres(), A, new NewestWins(), true);
            applier.apply(c, List.of(upsert(table, "1", row(1, "from c"), "c:1", "c:1", now + 1)), List.of());
            String metaXminBefore = single(c, "SELECT xmin::text FROM syncline.row_meta WHERE table_name = ? AND pk = '1'",
                    "public." + table);
            long updatesBefore = metaUpdates(c);

            ApplyResult result = applier.apply(c, List.of(
                    upsert(table, "10", row(10, "new"), "b:1", "b:1", now + 2),           // new key, once
                    upsert(table, "1", row(1, "from b"), "b:2", "b:2", now + 3),          // known key, concurrent
                    upsert(table, "11", row(11, "new, then newer"), "b:3", "b:3", now + 4), // new key, twice
                    delete(table, "12", 12, "b:4", "b:4", now + 5),                       // new key, deleted
                    upsert(table, "11", row(11, "newer"), "b:3,c:2", "c:2", now + 6)), List.of());

            assertThat(result).as("applied, skipped, conflicts").isEqualTo(new ApplyResult(5, 0, 1));
            assertThat(metaUpdates(c) - updatesBefore)
                    .as("meta entries updated: the known key and the key changed twice; each new key's entry "
                            + "was inserted once, final, and never updated")
                    .isEqualTo(2);
            assertThat(single(c, "SELECT string_agg(id || '=' || item, ',' ORDER BY id) FROM public." + table))
                    .isEqualTo("1=from b,10=new,11=newer");
            assertThat(requireMeta(c, "public." + table, "10")).isEqualTo(new Meta("b:1", now + 2, "b", 1, false));
            assertThat(requireMeta(c, "public." + table, "11")).isEqualTo(new Meta("b:3,c:2", now + 6, "c", 2, false));
            assertThat(requireMeta(c, "public." + table, "12")).isEqualTo(new Meta("b:4", now + 5, "b", 4, true));
            assertThat(requireMeta(c, "public." + table, "1")).isEqualTo(new Meta("b:2,c:1", now + 3, "b", 2, false));
            assertThat(single(c, "SELECT xmin::text FROM syncline.row_meta WHERE table_name = ? AND pk = '1'",
                    "public." + table)).as("the known key's entry was rewritten").isNotEqualTo(metaXminBefore);
            assertThat(single(c, "SELECT string_agg(pk || '=' || local_write, ',' ORDER BY pk) FROM syncline.row_meta "
                    + "WHERE table_name = ?", "public." + table))
                    .as("applied entries are never local writes").isEqualTo("1=false,10=false,11=false,12=false");
            assertThat(single(c, "SELECT count(*) FROM syncline.apply_ledger WHERE table_name = ?", "public." + table))
                    .as("ledger rows: the first apply and the five changes").isEqualTo("6");
        }
    }

    @Test
    void anApplyOfANewKeyWaitsForALocalInsertOfItAndThenResolvesTheConflict() throws Exception {
        try (Connection local = postgres.connect(site); Connection apply = postgres.connect(site)) {
            String table = simpleTable(local);
            SiteApplier applier = new SiteApplier(Dialect.postgres(), A, new NewestWins(), false);

            local.setAutoCommit(false);
            execute(local, "INSERT INTO public." + table + " VALUES (7, 'local')");
            long localSeq = requireMeta(local, "public." + table, "7").seq();
            ApplyResult result = applyWhileLocalCommitsLast(local, apply, applier,
                    upsert(table, "7", row(7, "remote"), "b:1", "b:1", inAnHour), "the new key");

            assertThat(result).as("the apply saw the local insert: a conflict").isEqualTo(new ApplyResult(1, 0, 1));
            assertThat(requireMeta(local, "public." + table, "7"))
                    .isEqualTo(new Meta("a:" + localSeq + ",b:1", inAnHour, "b", 1, false));
            assertThat(item(local, table, 7)).isEqualTo("remote");
            local.commit();
        }
    }

    /**
     * Applies {@code event} on {@code apply} while {@code local}'s open transaction holds what it
     * writes: asserts the apply waits for a lock, then commits {@code local} and returns the apply's
     * result.
     */
    private static ApplyResult applyWhileLocalCommitsLast(Connection local, Connection apply,
            SiteApplier applier, ChangeEvent event, String held) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            long applyPid = Long.parseLong(single(apply, "SELECT pg_backend_pid()"));
            CompletableFuture<ApplyResult> applying = CompletableFuture.supplyAsync(() -> {
                try {
                    return applier.apply(apply, List.of(event), List.of());
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, executor);
            try (Connection observer = postgres.connect(site)) {
                Deadlines.await("the apply waits for the local transaction's lock on " + held, Duration.ofSeconds(30),
                        () -> applying.isDone() || "1".equals(single(observer,
                                "SELECT count(*) FROM pg_locks WHERE pid = ? AND NOT granted", (int) applyPid)),
                        () -> "apply done: " + applying.isDone());
            }
            assertThat(applying).as("apply while the local transaction holds " + held).isNotDone();
            local.commit();
            return applying.get(30, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * Updates of {@code syncline.row_meta} counted by the server's statistics, including those of
     * this connection's transactions so far (they are flushed first; the apply ran on it).
     */
    private static long metaUpdates(Connection c) throws SQLException {
        single(c, "SELECT pg_stat_force_next_flush()");
        single(c, "SELECT 1");
        return Long.parseLong(single(c, "SELECT n_tup_upd FROM pg_stat_user_tables "
                + "WHERE relid = 'syncline.row_meta'::regclass"));
    }

    @Test
    void theCommittedOutcomeNamesTheConflictsTheBatchLogged() throws Exception {
        try (Connection c = postgres.connect(site)) {
            String table = simpleTable(c);
            SiteApplier applier = new SiteApplier(Dialect.postgres(), A, new NewestWins(), false);
            applier.apply(c, List.of(upsert(table, "1", row(1, "from c"), "c:2", "c:2", now + 20)), List.of());

            BatchOutcome outcome = applier.apply(c, List.of(
                    upsert(table, "1", row(1, "from b"), "b:5", "b:5", now + 10),
                    upsert(table, "2", row(2, "only b"), "b:6", "b:6", now + 11)), List.of(), rejected -> {
                        throw new AssertionError("nothing is refused here: " + rejected);
                    });

            assertThat(outcome).isInstanceOf(BatchOutcome.Committed.class);
            BatchOutcome.Committed committed = (BatchOutcome.Committed) outcome;
            assertThat(committed.result()).isEqualTo(new ApplyResult(1, 0, 1));
            assertThat(committed.conflicts()).containsExactly(new LoggedConflict("public." + table, "1",
                    ConflictType.INSERT_INSERT, "last-writer-wins"));
            assertThat(single(c, "SELECT conflict_type || ' ' || rule FROM syncline.conflicts WHERE table_name = ?",
                    "public." + table)).as("what the log holds").isEqualTo("insert/insert last-writer-wins");
        }
    }

    @Test
    void aHandlerThatAsksForARollbackWritesNothingOfTheBatch() throws Exception {
        try (Connection c = postgres.connect(site)) {
            String table = uniqueName("narrow");
            execute(c, "CREATE TABLE public." + table + " (id bigint PRIMARY KEY, item varchar(3))");
            INSTALLER.install(c, List.of(TableRef.parse(table)));
            SiteApplier applier = new SiteApplier(Dialect.postgres(), A, new NewestWins(), false);
            String consumer = uniqueName("sink");
            List<ChangeEvent> batch = List.of(upsert(table, "1", row(1, "fit"), "b:1", "b:1", now + 1),
                    upsert(table, "2", row(2, "does not fit"), "b:2", "b:2", now + 2));
            List<OffsetUpdate> offsets = List.of(new OffsetUpdate(consumer, "shop.changes", 0, 2, 1));

            BatchOutcome rolledBack = applier.apply(c, batch, offsets, rejected -> RejectionHandler.Decision.ROLL_BACK);

            assertThat(rolledBack).isInstanceOf(BatchOutcome.RolledBack.class);
            assertThat(((BatchOutcome.RolledBack) rolledBack).rejected()).extracting(r -> r.event().key())
                    .containsExactly("2");
            assertThat(single(c, "SELECT count(*) FROM public." + table)).isEqualTo("0");
            assertThat(OFFSETS.storedOffsets(c, consumer, "shop.changes")).isEmpty();

            BatchOutcome committed = applier.apply(c, batch, offsets, rejected -> RejectionHandler.Decision.COMMIT_REST);

            assertThat(committed).isInstanceOf(BatchOutcome.Committed.class);
            assertThat(((BatchOutcome.Committed) committed).result().rejected()).hasSize(1);
            assertThat(item(c, table, 1)).isEqualTo("fit");
            assertThat(OFFSETS.storedOffsets(c, consumer, "shop.changes")).isEqualTo(Map.of(0, 2L));
        }
    }

    /** Creates {@code public.<random> (id bigint PRIMARY KEY, item text)} with the capture trigger. */
    private static String simpleTable(Connection c) throws SQLException {
        String table = uniqueName("t");
        execute(c, "CREATE TABLE public." + table + " (id bigint PRIMARY KEY, item text)");
        INSTALLER.install(c, List.of(TableRef.parse(table)));
        return table;
    }

    private static Map<String, ColumnValue> row(long id, String item) {
        return columns("id", ColumnValue.of(id), "item", ColumnValue.of(item));
    }

    private static Map<String, ColumnValue> columns(Object... namesAndValues) {
        Map<String, ColumnValue> columns = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            columns.put((String) namesAndValues[i], (ColumnValue) namesAndValues[i + 1]);
        }
        return columns;
    }

    private static ChangeEvent upsert(String table, String key, Map<String, ColumnValue> columns, String vv,
            String dot, long hlc) {
        return new ChangeEvent("public." + table, key, ChangeEvent.Op.UPSERT, List.of("id"), columns,
                VersionVector.parse(vv), Dot.parse(dot), hlc, 0L, "");
    }

    private static ChangeEvent delete(String table, String key, long id, String vv, String dot, long hlc) {
        return new ChangeEvent("public." + table, key, ChangeEvent.Op.DELETE, List.of("id"),
                columns("id", ColumnValue.of(id)), VersionVector.parse(vv), Dot.parse(dot), hlc, 0L, "");
    }

    private static String item(Connection c, String table, long id) throws SQLException {
        return single(c, "SELECT item FROM public." + table + " WHERE id = ?", id);
    }

    /** Rows and meta entries of a table, with the transaction that last wrote each. */
    private static String snapshot(Connection c, String table) throws SQLException {
        String rows = single(c, "SELECT coalesce(string_agg(t.xmin::text || ' ' || t::text, E'\\n' ORDER BY t.id), '') "
                + "FROM public." + table + " t");
        String meta = single(c, "SELECT coalesce(string_agg(m.xmin::text || ' ' || m::text, E'\\n' ORDER BY m.pk), '') "
                + "FROM syncline.row_meta m WHERE m.table_name = ?", "public." + table);
        return rows + "\n--\n" + meta;
    }
}
