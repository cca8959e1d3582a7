package io.syncline.connector.sink;

import static io.syncline.connector.sink.Changes.TOPIC;
import static io.syncline.connector.sink.Changes.record;
import static io.syncline.connector.sink.Changes.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.ChangeEvent;
import io.syncline.core.SiteId;
import io.syncline.core.SourceTransaction;
import io.syncline.core.apply.OffsetUpdate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class TransactionInboxTest {

    private static final SiteId SELF = SiteId.of("west");
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private final RecentDots recentDots = new RecentDots(100);
    private final long[] now = {0};
    private final TransactionInbox inbox = new TransactionInbox("sink", SELF,
            new EnvelopeReader(() -> (record, error) -> null)::readEnvelope, recentDots, () -> now[0]);
    private final Map<TopicPartition, Long> elsewhere = new HashMap<>();

    private static LeaseLookup leased(Map<TopicPartition, Long> epochs) {
        return tp -> epochs.containsKey(tp) ? OptionalLong.of(epochs.get(tp)) : OptionalLong.empty();
    }

    private static final LeaseLookup ALL = tp -> OptionalLong.of(1);

    private static SourceTransaction tx(String id, int index, boolean last, Map<Integer, Long> dependencies) {
        return new SourceTransaction(id, index, last, dependencies);
    }

    private BatchPlan plan() {
        return inbox.plan(tp -> elsewhere.getOrDefault(tp, 0L), 1_000);
    }

    private BatchPlan planAndCommit() {
        BatchPlan plan = plan();
        inbox.committed(plan);
        return plan;
    }

    @Test
    void aTransactionIsPlannedOnlyOnceItsLastEventArrivedAndThenWhole() {
        ChangeEvent order = upsert("east", 1, 1);
        ChangeEvent line = upsert("east", 2, 2);
        inbox.receive(List.of(record(0, 10, order, tx("t1", 0, false, Map.of()))), ALL);

        BatchPlan first = planAndCommit();
        assertThat(first.events()).isEmpty();
        assertThat(first.nextOffsets()).as("nothing applied: the position stays at the open transaction")
                .isEqualTo(Map.of(P0, 10L));

        inbox.receive(List.of(record(0, 11, line, tx("t1", 1, true, Map.of()))), ALL);
        BatchPlan second = planAndCommit();
        assertThat(second.events()).extracting(ChangeEvent::dot).containsExactly(order.dot(), line.dot());
        assertThat(second.offsets()).containsExactly(new OffsetUpdate("sink", TOPIC, 0, 12, 1));
        assertThat(inbox.held()).isZero();
    }

    @Test
    void aTransactionWaitsForItsDependenciesOnAnotherPartitionAndTheSameBatchCanMeetThem() {
        ChangeEvent order = upsert("east", 1, 1);
        ChangeEvent line = upsert("north", 1, 2);
        // north wrote the line after it had applied partition 0 up to offset 6 (east's order is at 5).
        inbox.receive(List.of(record(1, 3, line, tx("n1", 0, true, Map.of(0, 6L)))), ALL);
        now[0] = 1_000_000;
        BatchPlan waiting = planAndCommit();
        assertThat(waiting.events()).isEmpty();
        assertThat(inbox.waiting()).containsExactly(P1);

        inbox.receive(List.of(record(0, 5, order, tx("e1", 0, true, Map.of()))), ALL);
        now[0] = 8_000_000;
        BatchPlan both = planAndCommit();
        assertThat(both.events()).extracting(ChangeEvent::dot).containsExactly(order.dot(), line.dot());
        assertThat(both.nextOffsets()).isEqualTo(Map.of(P0, 6L, P1, 4L));
        assertThat(both.waits()).containsExactly(new TransactionInbox.Wait("north", 7_000_000));
        assertThat(inbox.waiting()).isEmpty();
    }

    @Test
    void aDependencyOnAPartitionTheInboxDoesNotHoldIsCheckedAgainstTheSite() {
        inbox.receive(List.of(record(1, 0, upsert("north", 1, 2), tx("n1", 0, true, Map.of(0, 40L)))), ALL);
        assertThat(plan().events()).isEmpty();
        elsewhere.put(P0, 40L);
        assertThat(plan().events()).hasSize(1);
    }

    @Test
    void anOriginsTransactionsApplyInTheirOrderBehindOneThatWaits() {
        inbox.receive(List.of(record(0, 0, upsert("east", 1, 1), tx("e1", 0, true, Map.of(1, 9L))),
                record(0, 1, upsert("east", 2, 2), tx("e2", 0, true, Map.of()))), ALL);
        assertThat(plan().events()).as("e2 may not pass e1").isEmpty();
    }

    @Test
    void interleavedTransactionsOfTwoOriginsInOnePartitionKeepThePositionAtTheOpenOne() {
        inbox.receive(List.of(record(0, 0, upsert("east", 1, 1), tx("e1", 0, false, Map.of())),
                record(0, 1, upsert("north", 1, 2), tx("n1", 0, true, Map.of())),
                record(0, 2, upsert("east", 2, 3), tx("e1", 1, false, Map.of()))), ALL);
        BatchPlan plan = planAndCommit();
        assertThat(plan.events()).extracting(e -> e.origin().value()).containsExactly("north");
        assertThat(plan.nextOffsets()).as("written with its epoch, position unchanged").isEqualTo(Map.of(P0, 0L));

        inbox.receive(List.of(record(0, 3, upsert("east", 3, 4), tx("e1", 2, true, Map.of()))), ALL);
        BatchPlan rest = planAndCommit();
        assertThat(rest.events()).extracting(e -> e.dot().sequence()).containsExactly(1L, 2L, 3L);
        assertThat(rest.nextOffsets()).isEqualTo(Map.of(P0, 4L));
    }

    @Test
    void aTransactionShippedAgainByARestartedCaptureIsMergedByDot() {
        ChangeEvent a = upsert("east", 1, 1);
        ChangeEvent b = upsert("east", 2, 2);
        ChangeEvent c = upsert("east", 3, 3);
        // The first capture shipped a and b; restarted, it resumed after a, numbering from 0 again.
        inbox.receive(List.of(record(0, 0, a, tx("e1", 0, false, Map.of())), record(0, 1, b, tx("e1", 1, false,
                Map.of())), record(0, 2, b, tx("e1", 0, false, Map.of())), record(0, 3, c, tx("e1", 1, true,
                Map.of()))), ALL);
        assertThat(plan().events()).extracting(e -> e.dot().sequence()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void ownChangesUnreadableRecordsCachedDotsAndOldEnvelopesAreTransactionsOfTheirOwn() {
        ChangeEvent applied = upsert("east", 1, 1);
        recentDots.rememberApplied(List.of(applied), List.of());
        ChangeEvent fresh = upsert("east", 2, 2);
        ChangeEvent old = upsert("north", 1, 3);
        inbox.receive(List.of(record(0, 0, upsert("west", 9, 9), tx("w1", 0, false, Map.of())),
                record(0, 1, applied, tx("e1", 0, true, Map.of())), record(0, 2, "not an envelope"),
                record(0, 3, fresh, tx("e2", 0, true, Map.of())), record(0, 4, old)), ALL);

        BatchPlan plan = plan();
        assertThat(plan.events()).extracting(ChangeEvent::dot).containsExactly(fresh.dot(), old.dot());
        assertThat(plan.skippedByDotCache()).isEqualTo(1);
        assertThat(plan.nextOffsets()).isEqualTo(Map.of(P0, 5L));
    }

    @Test
    void aPartitionWithoutItsLeaseRewindsToItsFirstUnappliedRecordAndIsForgotten() {
        inbox.receive(List.of(record(1, 20, upsert("east", 1, 1), tx("e1", 0, false, Map.of())),
                record(0, 5, upsert("east", 2, 2), tx("e2", 0, true, Map.of()))), ALL);
        inbox.receive(List.of(record(1, 21, upsert("east", 3, 3), tx("e1", 1, true, Map.of()))),
                leased(Map.of(P0, 1L)));

        assertThat(inbox.unleased()).isEqualTo(Map.of(P1, 20L));
        BatchPlan plan = plan();
        assertThat(plan.events()).extracting(e -> e.dot().sequence()).containsExactly(2L);
        assertThat(plan.epochs()).isEqualTo(Map.of(P0, 1L));
        assertThat(inbox.held(P1)).isZero();
    }

    @Test
    void aRecordReceivedTwiceIsHeldOnce() {
        SinkRecord r = record(0, 7, upsert("east", 1, 1), tx("e1", 0, true, Map.of()));
        inbox.receive(List.of(r), ALL);
        inbox.receive(List.of(r), ALL);
        assertThat(inbox.held()).isEqualTo(1);
        assertThat(plan().events()).hasSize(1);
    }

    @Test
    void aBatchIsCutBetweenTransactionsNeverInsideOne() {
        List<SinkRecord> records = new ArrayList<>();
        long offset = 0;
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < 400; i++) {
                records.add(record(0, offset, upsert("east", offset + 1, offset), tx("e" + t, i, i == 399, Map.of())));
                offset++;
            }
        }
        inbox.receive(records, ALL);
        BatchPlan first = inbox.plan(tp -> 0L, 1_000);
        assertThat(first.events()).hasSize(800);
        inbox.committed(first);
        assertThat(first.nextOffsets()).isEqualTo(Map.of(P0, 800L));
        BatchPlan bigAlone = inbox.plan(tp -> 0L, 100);
        assertThat(bigAlone.events()).as("a transaction larger than the batch goes alone").hasSize(400);
    }

    /**
     * Seeded: three origins' transactions (each depending on a random prefix of what came before)
     * arrive interleaved over two partitions, in a random order that keeps each partition's order and
     * in random slices; every transaction is applied whole, once, after everything it depends on and
     * after its origin's earlier transactions.
     */
    @Test
    void everyDeliveryOrderAppliesWholeTransactionsInCausalOrder() {
        long seed = System.nanoTime();
        System.out.println("TransactionInboxTest seed " + seed);
        Random random = new Random(seed);
        List<String> origins = List.of("east", "north", "south");
        for (int round = 0; round < 50; round++) {
            TransactionInbox fresh = new TransactionInbox("sink", SELF, new EnvelopeReader(() -> null)::readEnvelope,
                    new RecentDots(0), () -> 0L);
            List<List<SinkRecord>> partitions = List.of(new ArrayList<>(), new ArrayList<>());
            List<List<String>> txAt = List.of(new ArrayList<>(), new ArrayList<>());
            Map<String, Long> seq = new HashMap<>();
            Map<Long, String> txOfKey = new HashMap<>();
            Map<String, Map<Integer, Long>> depsOf = new HashMap<>();
            Map<String, Integer> sizeOf = new HashMap<>();
            for (int t = 0; t < 30; t++) {
                String origin = origins.get(random.nextInt(3));
                int partition = origin.equals("south") ? 1 : 0;
                Map<Integer, Long> deps = Map.of(0, (long) random.nextInt(partitions.get(0).size() + 1),
                        1, (long) random.nextInt(partitions.get(1).size() + 1));
                String id = origin + t;
                int size = 1 + random.nextInt(4);
                for (int i = 0; i < size; i++) {
                    long key = t * 10L + i;
                    ChangeEvent e = upsert(origin, seq.merge(origin, 1L, Long::sum), key);
                    txOfKey.put(key, id);
                    List<SinkRecord> p = partitions.get(partition);
                    p.add(record(partition, p.size(), e, tx(id, i, i == size - 1, deps)));
                    txAt.get(partition).add(id);
                }
                depsOf.put(id, deps);
                sizeOf.put(id, size);
            }
            List<SinkRecord> order = new ArrayList<>();
            int[] next = {0, 0};
            while (next[0] < partitions.get(0).size() || next[1] < partitions.get(1).size()) {
                int p = next[0] >= partitions.get(0).size() ? 1 : next[1] >= partitions.get(1).size() ? 0
                        : random.nextInt(2);
                order.add(partitions.get(p).get(next[p]++));
            }
            List<String> appliedTx = new ArrayList<>();
            Map<String, Long> lastSeq = new HashMap<>();
            int from = 0;
            int events = 0;
            for (int step = 0; step < 500 && events < txOfKey.size(); step++) {
                if (from < order.size()) {
                    int to = Math.min(order.size(), from + 1 + random.nextInt(7));
                    fresh.receive(order.subList(from, to), ALL);
                    from = to;
                }
                BatchPlan plan = fresh.plan(tp -> 0L, 1 + random.nextInt(10));
                Map<String, Integer> seen = new HashMap<>();
                for (ChangeEvent e : plan.events()) {
                    events++;
                    String id = txOfKey.get(Long.parseLong(e.key()));
                    if (seen.merge(id, 1, Integer::sum) == 1) {
                        assertThat(appliedTx).as("seed %d: %s applied once", seed, id).doesNotContain(id);
                        depsOf.get(id).forEach((partition, x) -> {
                            for (int o = 0; o < x; o++) {
                                assertThat(appliedTx).as("seed %d: %s after its dependency %d@%d", seed, id, partition,
                                        o).contains(txAt.get(partition).get(o));
                            }
                        });
                        appliedTx.add(id);
                    }
                    long previous = lastSeq.getOrDefault(e.origin().value(), 0L);
                    assertThat(e.dot().sequence()).as("seed %d: %s in its origin's order", seed, id)
                            .isEqualTo(previous + 1);
                    lastSeq.put(e.origin().value(), e.dot().sequence());
                }
                seen.forEach((id, n) -> assertThat(n).as("seed %d: %s whole", seed, id).isEqualTo(sizeOf.get(id)));
                fresh.committed(plan);
            }
            assertThat(events).as("seed %d: every change applied", seed).isEqualTo(txOfKey.size());
            assertThat(fresh.held()).isZero();
        }
    }
}
