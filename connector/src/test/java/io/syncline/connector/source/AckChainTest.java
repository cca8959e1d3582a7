package io.syncline.connector.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AckChainTest {

    private static long seed;

    private final AckChain chain = new AckChain();

    @BeforeAll
    static void chooseSeed() {
        seed = Long.getLong("syncline.seed", System.nanoTime());
        System.out.println("AckChainTest seed " + seed + " (rerun with -Dsyncline.seed=" + seed + ")");
    }

    private static SourceRecord record(long lsn) {
        return new SourceRecord(Map.of("server", "east"), Map.of("lsn", lsn), "capture.public.orders", null,
                Schema.INT64_SCHEMA, lsn);
    }

    @Test
    void nothingIsReadyBeforeItIsDone() {
        SourceRecord a = record(1);
        chain.captured(a);
        assertThat(chain.ready()).isEmpty();
        assertThat(chain.waiting()).isEqualTo(1);
        chain.drop(a);
        assertThat(chain.ready()).containsExactly(a);
        assertThat(chain.waiting()).isZero();
        assertThat(chain.ready()).isEmpty();
    }

    @Test
    void aDoneRecordWaitsBehindAnEarlierOpenOne() {
        SourceRecord a = record(1);
        SourceRecord b = record(2);
        SourceRecord c = record(3);
        chain.captured(a);
        chain.captured(b);
        chain.captured(c);
        chain.drop(b);
        chain.drop(c);
        assertThat(chain.ready()).isEmpty();
        SourceRecord envelope = record(100);
        chain.emit(envelope, List.of(a));
        assertThat(chain.ready()).as("emitted but not yet acknowledged").isEmpty();
        chain.acknowledged(envelope);
        assertThat(chain.ready()).containsExactly(a, b, c);
    }

    @Test
    void anEmittedRecordReleasesEverythingItCarriesOnlyWhenAcknowledged() {
        SourceRecord row = record(1);
        SourceRecord meta = record(2);
        chain.captured(row);
        chain.captured(meta);
        SourceRecord envelope = record(100);
        chain.emit(envelope, List.of(row, meta));
        assertThat(chain.ready()).isEmpty();
        chain.acknowledged(envelope);
        assertThat(chain.ready()).containsExactly(row, meta);
    }

    @Test
    void recordsAreTrackedByIdentityNotByValue() {
        // SourceRecord.equals compares content; two captures with equal content are still two records.
        SourceRecord first = record(1);
        SourceRecord twin = record(1);
        assertThat(first).isEqualTo(twin);
        chain.captured(first);
        chain.captured(twin);
        chain.drop(twin);
        assertThat(chain.ready()).isEmpty();
        chain.drop(first);
        List<SourceRecord> ready = chain.ready();
        assertThat(ready).hasSize(2);
        assertThat(ready.get(0)).isSameAs(first);
        assertThat(ready.get(1)).isSameAs(twin);
    }

    @Test
    void unknownAndRepeatedSignalsChangeNothing() {
        SourceRecord a = record(1);
        SourceRecord b = record(2);
        chain.captured(a);
        chain.captured(b);
        chain.drop(record(99));
        chain.acknowledged(record(98));
        assertThat(chain.ready()).isEmpty();
        SourceRecord envelope = record(100);
        chain.emit(envelope, List.of(a));
        chain.acknowledged(envelope);
        chain.acknowledged(envelope);
        chain.drop(a);
        assertThat(chain.ready()).containsExactly(a);
        assertThat(chain.ready()).isEmpty();
        assertThat(chain.waiting()).isEqualTo(1);
    }

    @Test
    void aDroppedRecordIsNotReopenedByALaterEmit() {
        SourceRecord a = record(1);
        chain.captured(a);
        chain.drop(a);
        SourceRecord envelope = record(100);
        chain.emit(envelope, List.of(a));
        assertThat(chain.ready()).containsExactly(a);
    }

    /**
     * Random captures, drops, emits, acknowledgements and hand-backs: what ready() hands back is
     * always a prefix of capture order, never includes an open record, stops only at an open
     * one, and in the end every captured record is handed back exactly once.
     */
    @Test
    void handsBackAPrefixOfCaptureOrderWhateverTheInterleaving() {
        Random random = new Random(seed);
        for (int round = 0; round < 300; round++) {
            runRandomRound(random, round);
        }
    }

    private void runRandomRound(Random random, int round) {
        AckChain chain = new AckChain();
        int total = 1 + random.nextInt(40);
        List<SourceRecord> capturedOrder = new ArrayList<>();
        List<SourceRecord> open = new ArrayList<>();
        Set<SourceRecord> done = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<SourceRecord, List<SourceRecord>> unacked = new IdentityHashMap<>();
        List<SourceRecord> unackedOrder = new ArrayList<>();
        List<SourceRecord> handedBack = new ArrayList<>();
        List<String> log = new ArrayList<>();
        int next = 0;
        long emittedIds = 1_000_000;
        while (next < total || !open.isEmpty() || !unacked.isEmpty()) {
            int action = random.nextInt(5);
            if (action == 0 && next < total) {
                SourceRecord r = record(next++);
                chain.captured(r);
                capturedOrder.add(r);
                open.add(r);
                log.add("capture " + r.value());
            } else if (action == 1 && !open.isEmpty()) {
                SourceRecord r = open.remove(random.nextInt(open.size()));
                chain.drop(r);
                done.add(r);
                log.add("drop " + r.value());
            } else if (action == 2 && !open.isEmpty()) {
                List<SourceRecord> carried = new ArrayList<>();
                int n = 1 + random.nextInt(Math.min(3, open.size()));
                for (int k = 0; k < n; k++) {
                    carried.add(open.remove(random.nextInt(open.size())));
                }
                SourceRecord envelope = record(emittedIds++);
                chain.emit(envelope, carried);
                unacked.put(envelope, carried);
                unackedOrder.add(envelope);
                log.add("emit " + envelope.value() + " carrying " + carried.stream().map(SourceRecord::value).toList());
            } else if (action == 3 && !unacked.isEmpty()) {
                // Kafka may acknowledge records of different partitions out of order.
                SourceRecord envelope = unackedOrder.remove(random.nextInt(unackedOrder.size()));
                done.addAll(unacked.remove(envelope));
                chain.acknowledged(envelope);
                log.add("ack " + envelope.value());
            } else if (action == 4) {
                List<SourceRecord> ready = chain.ready();
                log.add("ready " + ready.stream().map(SourceRecord::value).toList());
                handedBack.addAll(ready);
                String where = "seed " + seed + ", round " + round + ": " + log;
                checkPrefix(capturedOrder, handedBack, where);
                assertThat(ready).as(where + ": only done records are handed back").allMatch(done::contains);
                if (handedBack.size() < capturedOrder.size()) {
                    assertThat(done.contains(capturedOrder.get(handedBack.size())))
                            .as(where + ": ready() stops only at a record still open").isFalse();
                }
                assertThat(chain.waiting()).as(where).isEqualTo(capturedOrder.size() - handedBack.size());
            }
        }
        handedBack.addAll(chain.ready());
        String where = "seed " + seed + ", round " + round + ": " + log;
        checkPrefix(capturedOrder, handedBack, where);
        assertThat(handedBack).as(where + ": everything handed back exactly once").hasSize(total);
        assertThat(chain.waiting()).as(where).isZero();
        assertThat(chain.ready()).as(where).isEmpty();
    }

    private static void checkPrefix(List<SourceRecord> capturedOrder, List<SourceRecord> handedBack, String where) {
        assertThat(handedBack.size()).as(where).isLessThanOrEqualTo(capturedOrder.size());
        Map<Integer, Object> mismatches = new HashMap<>();
        for (int i = 0; i < handedBack.size(); i++) {
            if (handedBack.get(i) != capturedOrder.get(i)) {
                mismatches.put(i, handedBack.get(i).value());
            }
        }
        assertThat(mismatches).as(where + ": handed back out of capture order").isEmpty();
    }
}
