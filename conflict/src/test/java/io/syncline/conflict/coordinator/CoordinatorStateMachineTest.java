package io.syncline.conflict.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/** The state machine driven directly with log entries, as Ratis's apply thread would. */
class CoordinatorStateMachineTest {

    private static final long T0 = 1_700_000_000_000L;

    private final CoordinatorStateMachine machine = new CoordinatorStateMachine();
    private long index;

    private CompletableFuture<Message> applyBytes(CoordinatorStateMachine to, byte[] bytes) {
        LogEntryProto entry = LogEntryProto.newBuilder().setTerm(1).setIndex(++index)
                .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder().setLogData(ByteString.copyFrom(bytes)))
                .build();
        TransactionContext trx = TransactionContext.newBuilder().setStateMachine(to)
                .setServerRole(RaftPeerRole.FOLLOWER).setLogEntry(entry).build();
        return to.applyTransaction(trx);
    }

    private CoordinatorReply apply(CoordinatorCommand command) {
        Message reply = applyBytes(machine, CoordinatorCodec.encode(command)).join();
        return CoordinatorCodec.decodeReply(reply.getContent().toByteArray());
    }

    private CoordinatorReply query(CoordinatorQuery query) {
        Message reply = machine.query(Message.valueOf(ByteString.copyFrom(CoordinatorCodec.encode(query)))).join();
        return CoordinatorCodec.decodeReply(reply.getContent().toByteArray());
    }

    private static CoordinatorCommand.Acquire acquire(int partition, String holder, long ttl, long now) {
        return new CoordinatorCommand.Acquire("orders", "east", partition, holder, ttl, now);
    }

    private static PartitionLease lease(int partition, String holder, long epoch, long expires) {
        return new PartitionLease("orders", "east", partition, holder, epoch, expires);
    }

    @Test
    void aLeaseIsGrantedRefusedRenewedAndTakenOverWithAGreaterEpoch() {
        assertThat(apply(acquire(0, "a", 1000, T0))).isEqualTo(new CoordinatorReply.Granted(lease(0, "a", 1, T0 + 1000)));
        assertThat(apply(acquire(0, "b", 1000, T0 + 999)))
                .isEqualTo(new CoordinatorReply.Refused(lease(0, "a", 1, T0 + 1000)));
        // The holder acquiring again is a renewal: same epoch, later expiry.
        assertThat(apply(acquire(0, "a", 1000, T0 + 500))).isEqualTo(new CoordinatorReply.Granted(lease(0, "a", 1, T0 + 1500)));
        // Expired exactly at its expiry time, by the proposer's clock.
        assertThat(apply(acquire(0, "b", 1000, T0 + 1500))).isEqualTo(new CoordinatorReply.Granted(lease(0, "b", 2, T0 + 2500)));
        assertThat(apply(new CoordinatorCommand.Renew("orders", "east", 0, "a", 1, 1000, T0 + 1600)))
                .isEqualTo(new CoordinatorReply.Lost(Optional.of(lease(0, "b", 2, T0 + 2500))));
        assertThat(apply(new CoordinatorCommand.Renew("orders", "east", 0, "b", 2, 1000, T0 + 1600)))
                .isEqualTo(new CoordinatorReply.Renewed(lease(0, "b", 2, T0 + 2600)));
        // Other partitions are independent.
        assertThat(apply(acquire(1, "b", 1000, T0))).isEqualTo(new CoordinatorReply.Granted(lease(1, "b", 1, T0 + 1000)));
    }

    @Test
    void anExpiredLeaseNobodyTookCanBeRenewedWithItsEpoch() {
        apply(acquire(0, "a", 1000, T0));
        assertThat(apply(new CoordinatorCommand.Renew("orders", "east", 0, "a", 1, 1000, T0 + 5000)))
                .isEqualTo(new CoordinatorReply.Renewed(lease(0, "a", 1, T0 + 6000)));
        assertThat(apply(new CoordinatorCommand.Renew("orders", "east", 0, "a", 7, 1000, T0 + 5000)))
                .as("a wrong epoch is lost").isEqualTo(new CoordinatorReply.Lost(Optional.of(lease(0, "a", 1, T0 + 6000))));
        assertThat(apply(new CoordinatorCommand.Renew("orders", "east", 9, "a", 1, 1000, T0)))
                .as("never held").isEqualTo(new CoordinatorReply.Lost(Optional.empty()));
    }

    @Test
    void releaseFreesThePartitionButKeepsTheEpoch() {
        apply(acquire(0, "a", 60_000, T0));
        assertThat(apply(new CoordinatorCommand.Release("orders", "east", 0, "b", 1))).isEqualTo(new CoordinatorReply.Released(false));
        assertThat(apply(new CoordinatorCommand.Release("orders", "east", 0, "a", 2))).isEqualTo(new CoordinatorReply.Released(false));
        assertThat(apply(new CoordinatorCommand.Release("orders", "east", 0, "a", 1))).isEqualTo(new CoordinatorReply.Released(true));
        assertThat(query(new CoordinatorQuery.Leases(Optional.empty()))).isEqualTo(new CoordinatorReply.LeaseList(List.of()));
        assertThat(apply(new CoordinatorCommand.Renew("orders", "east", 0, "a", 1, 1000, T0)))
                .isEqualTo(new CoordinatorReply.Lost(Optional.empty()));
        assertThat(apply(acquire(0, "a", 1000, T0 + 1))).isEqualTo(new CoordinatorReply.Granted(lease(0, "a", 2, T0 + 1001)));
    }

    @Test
    void theFirstDecisionWins() {
        assertThat(apply(new CoordinatorCommand.Decide("orders", "k", "east"))).isEqualTo(new CoordinatorReply.Decided("east"));
        assertThat(apply(new CoordinatorCommand.Decide("orders", "k", "west"))).isEqualTo(new CoordinatorReply.Decided("east"));
        assertThat(apply(new CoordinatorCommand.Decide("billing", "k", "west"))).isEqualTo(new CoordinatorReply.Decided("west"));
        assertThat(query(new CoordinatorQuery.Decision("orders", "k")))
                .isEqualTo(new CoordinatorReply.RecordedDecision(Optional.of("east")));
        assertThat(query(new CoordinatorQuery.Decision("orders", "other")))
                .isEqualTo(new CoordinatorReply.RecordedDecision(Optional.empty()));
    }

    @Test
    void sitesAndFrontiersKeepTheLatestRecord() {
        apply(new CoordinatorCommand.RegisterSite(new SiteRecord("orders", "east", "postgresql", 1, SiteState.JOINING)));
        apply(new CoordinatorCommand.RegisterSite(new SiteRecord("orders", "east", "postgresql", 5, SiteState.ACTIVE)));
        apply(new CoordinatorCommand.RegisterSite(new SiteRecord("orders", "west", "mariadb", 2, SiteState.ACTIVE)));
        assertThat(query(new CoordinatorQuery.Sites())).isEqualTo(new CoordinatorReply.SiteList(List.of(
                new SiteRecord("orders", "east", "postgresql", 5, SiteState.ACTIVE),
                new SiteRecord("orders", "west", "mariadb", 2, SiteState.ACTIVE))));

        apply(new CoordinatorCommand.ReportFrontier("orders", "west", "{\"east\":1}"));
        apply(new CoordinatorCommand.ReportFrontier("orders", "west", "{\"east\":2}"));
        apply(new CoordinatorCommand.ReportFrontier("orders", "east", "{\"east\":3}"));
        apply(new CoordinatorCommand.ReportFrontier("orders-2", "east", "{}"));
        CoordinatorReply.FrontierMap frontiers = (CoordinatorReply.FrontierMap) query(new CoordinatorQuery.Frontiers("orders"));
        assertThat(frontiers.frontiers()).containsExactly(Map.entry("east", "{\"east\":3}"), Map.entry("west", "{\"east\":2}"));
    }

    @Test
    void aBadCommandFailsItsFutureChangesNothingAndThrowsNothing() throws IOException {
        apply(acquire(0, "a", 1000, T0));
        byte[] before = snapshotBytes(machine);
        for (byte[] bad : List.of(new byte[0], "garbage".getBytes(), new byte[] {CoordinatorCodec.FORMAT, 42},
                new byte[] {CoordinatorCodec.FORMAT, 1, 0, 0, 0, 1})) {
            long appliedBefore = index;
            List<CompletableFuture<Message>> future = new ArrayList<>();
            assertThatCode(() -> future.add(applyBytes(machine, bad))).doesNotThrowAnyException();
            assertThat(future.get(0)).isCompletedExceptionally();
            assertThat(future.get(0)).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(IllegalArgumentException.class);
            assertThat(machine.getLastAppliedTermIndex().getIndex()).isEqualTo(appliedBefore + 1);
        }
        assertThat(snapshotBytes(machine)).isEqualTo(before);
        assertThat(apply(acquire(0, "a", 1000, T0))).isInstanceOf(CoordinatorReply.Granted.class);
    }

    @Test
    void aBadQueryFailsItsFuture() {
        CompletableFuture<Message> reply = machine.query(Message.valueOf("what?"));
        assertThat(reply).isCompletedExceptionally();
        assertThat(reply.handle((m, e) -> e)).isCompletedWithValueMatching(e -> e instanceof CompletionException
                ? e.getCause() instanceof IllegalArgumentException : e instanceof IllegalArgumentException);
    }

    /**
     * Random interleavings of acquire, renew and release by four holders over three partitions, with
     * clocks that disagree: epochs never go back, a new holder always gets a greater epoch, and two
     * machines fed the same log end byte-for-byte equal.
     */
    @Test
    void epochsOnlyGrowAndTheStateIsDeterministic() throws IOException {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        CoordinatorStateMachine replica = new CoordinatorStateMachine();
        Map<Integer, PartitionLease> last = new HashMap<>();
        Map<String, PartitionLease> held = new HashMap<>();
        List<String> holders = List.of("a", "b", "c", "d");
        long now = T0;
        for (int step = 0; step < 5000; step++) {
            now += random.nextInt(400) - 100; // clients' clocks disagree a little
            int partition = random.nextInt(3);
            String holder = holders.get(random.nextInt(holders.size()));
            PartitionLease mine = held.get(holder + partition);
            CoordinatorCommand command = randomCommand(random.nextInt(3), mine, partition, holder, now);
            byte[] bytes = CoordinatorCodec.encode(command);
            long at = index;
            CoordinatorReply reply = CoordinatorCodec.decodeReply(applyBytes(machine, bytes).join().getContent().toByteArray());
            index = at;
            applyBytes(replica, bytes).join();
            PartitionLease granted = reply instanceof CoordinatorReply.Granted g ? g.lease()
                    : reply instanceof CoordinatorReply.Renewed r ? r.lease() : null;
            if (granted != null) {
                PartitionLease previous = last.get(partition);
                if (previous != null) {
                    assertThat(granted.epoch()).as("seed " + seed + " step " + step).isGreaterThanOrEqualTo(previous.epoch());
                    if (!previous.holder().equals(granted.holder())) {
                        assertThat(granted.epoch()).as("seed " + seed + " step " + step).isGreaterThan(previous.epoch());
                    }
                }
                last.put(partition, granted);
                held.put(holder + partition, granted);
            } else if (command instanceof CoordinatorCommand.Release && reply.equals(new CoordinatorReply.Released(true))) {
                held.remove(holder + partition);
            }
        }
        assertThat(snapshotBytes(replica)).as("seed " + seed).isEqualTo(snapshotBytes(machine));
    }

    private static CoordinatorCommand randomCommand(int kind, PartitionLease mine, int partition, String holder, long now) {
        if (kind == 1 && mine != null) {
            return new CoordinatorCommand.Renew("orders", "east", partition, holder, mine.epoch(), 500, now);
        }
        if (kind == 2 && mine != null) {
            return new CoordinatorCommand.Release("orders", "east", partition, holder, mine.epoch());
        }
        return acquire(partition, holder, 500, now);
    }

    @Test
    void theStateSurvivesASnapshotRoundTrip() throws IOException {
        apply(acquire(0, "a", 1000, T0));
        apply(acquire(1, "b", 1000, T0));
        apply(new CoordinatorCommand.Release("orders", "east", 1, "b", 1));
        apply(new CoordinatorCommand.RegisterSite(new SiteRecord("orders", "east", "postgresql", 5, SiteState.ACTIVE)));
        apply(new CoordinatorCommand.Decide("orders", "k", "east"));
        apply(new CoordinatorCommand.ReportFrontier("orders", "east", "{\"east\":3}"));
        byte[] bytes = snapshotBytes(machine);

        CoordinatorState restored = new CoordinatorState();
        restored.apply(acquire(5, "stale", 1000, T0)); // replaced, not merged
        restored.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)));
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        restored.writeTo(new DataOutputStream(again));
        assertThat(again.toByteArray()).isEqualTo(bytes);
        // The released slot kept its epoch through the snapshot.
        assertThat(restored.apply(acquire(1, "c", 1000, T0))).isEqualTo(new CoordinatorReply.Granted(lease(1, "c", 2, T0 + 1000)));
    }

    private KeyBlock allocate(String site, long size, long floor, String requestId) {
        CoordinatorReply reply = apply(new CoordinatorCommand.AllocateKeyBlock("orders", "public.tickets.id", site,
                size, floor, requestId));
        return ((CoordinatorReply.BlockAllocated) reply).block();
    }

    @Test
    void keyBlocksOfASequenceAreDisjointAboveTheFloorAndARetryGetsTheSameBlock() {
        KeyBlock first = allocate("east", 100, 41, "east/1");
        assertThat(first).isEqualTo(new KeyBlock("orders", "public.tickets.id", "east", 42, 141, "east/1"));
        KeyBlock second = allocate("west", 100, 7, "west/1");
        assertThat(second.start()).as("above every earlier block, whatever the floor").isEqualTo(142);
        assertThat(allocate("east", 5000, 9_999, "east/1")).as("a retried request").isEqualTo(first);
        KeyBlock third = allocate("east", 10, 10_000, "east/2");
        assertThat(third.start()).as("above a floor higher than every block").isEqualTo(10_001);
        assertThat(apply(new CoordinatorCommand.AllocateKeyBlock("orders", "public.notes.id", "east", 10, 0, "east/1")))
                .as("another sequence has its own value space and request ids")
                .isEqualTo(new CoordinatorReply.BlockAllocated(new KeyBlock("orders", "public.notes.id", "east", 1, 10,
                        "east/1")));
        assertThat(query(new CoordinatorQuery.KeyBlocks("orders", "public.tickets.id")))
                .isEqualTo(new CoordinatorReply.KeyBlockList(List.of(first, second, third)));
        assertThat(query(new CoordinatorQuery.KeyBlocks("other", "public.tickets.id")))
                .isEqualTo(new CoordinatorReply.KeyBlockList(List.of()));
    }

    @Test
    void randomConcurrentAllocationsWithRetriesNeverShareAValue() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        List<KeyBlock> received = new ArrayList<>();
        Map<String, KeyBlock> byRequest = new HashMap<>();
        for (int i = 0; i < 2_000; i++) {
            String site = "s" + random.nextInt(4);
            String requestId = random.nextInt(4) == 0 && !byRequest.isEmpty()
                    ? new ArrayList<>(byRequest.keySet()).get(random.nextInt(byRequest.size())) : site + "/" + i;
            KeyBlock block = allocate(site, 1 + random.nextInt(50), random.nextInt(100_000), requestId);
            KeyBlock earlier = byRequest.putIfAbsent(requestId, block);
            if (earlier != null) {
                assertThat(block).as("retry of %s (seed %d)", requestId, seed).isEqualTo(earlier);
            } else {
                received.add(block);
            }
        }
        for (int i = 0; i < received.size(); i++) {
            for (int j = i + 1; j < received.size(); j++) {
                assertThat(received.get(i).overlaps(received.get(j))).as("%s and %s (seed %d)", received.get(i),
                        received.get(j), seed).isFalse();
            }
        }
    }

    @Test
    void aUsedUpValueSpaceIsAnsweredNotThrown() {
        KeyBlock last = allocate("east", 10, Long.MAX_VALUE - 5, "east/1");
        assertThat(last.end()).isEqualTo(Long.MAX_VALUE);
        assertThat(last.size()).isEqualTo(5);
        assertThat(apply(new CoordinatorCommand.AllocateKeyBlock("orders", "public.tickets.id", "east", 10, 0,
                "east/2"))).isInstanceOf(CoordinatorReply.NoBlock.class);
    }

    @Test
    void keyBlocksSurviveASnapshotAndAVersion1SnapshotStillLoads() throws IOException {
        apply(acquire(0, "a", 1000, T0));
        apply(new CoordinatorCommand.Decide("orders", "k", "east"));
        apply(new CoordinatorCommand.ReportFrontier("orders", "east", "{\"east\":3}"));
        ByteArrayOutputStream v1 = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(v1);
        // Version 1, as the builds before key blocks wrote it: the same sections, no blocks after them.
        byte[] v2WithoutBlocks = snapshotBytes(machine);
        out.write(v2WithoutBlocks, 0, 4);
        out.writeInt(1);
        out.write(v2WithoutBlocks, 8, v2WithoutBlocks.length - 8 - 4);
        CoordinatorState old = new CoordinatorState();
        old.readFrom(new DataInputStream(new ByteArrayInputStream(v1.toByteArray())));
        ByteArrayOutputStream rewritten = new ByteArrayOutputStream();
        old.writeTo(new DataOutputStream(rewritten));
        assertThat(rewritten.toByteArray()).as("a version 1 snapshot loads whole").isEqualTo(v2WithoutBlocks);

        KeyBlock block = allocate("east", 100, 0, "east/1");
        byte[] bytes = snapshotBytes(machine);
        CoordinatorState restored = new CoordinatorState();
        restored.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)));
        assertThat(restored.query(new CoordinatorQuery.KeyBlocks("orders", "public.tickets.id")))
                .isEqualTo(new CoordinatorReply.KeyBlockList(List.of(block)));
        assertThat(restored.apply(new CoordinatorCommand.AllocateKeyBlock("orders", "public.tickets.id", "west", 100,
                0, "west/1"))).as("the restored state goes on above the restored block")
                .isEqualTo(new CoordinatorReply.BlockAllocated(new KeyBlock("orders", "public.tickets.id", "west", 101,
                        200, "west/1")));
        assertThat(restored.apply(new CoordinatorCommand.AllocateKeyBlock("orders", "public.tickets.id", "east", 100,
                0, "east/1"))).as("and still knows the request ids")
                .isEqualTo(new CoordinatorReply.BlockAllocated(block));
    }

    private static byte[] snapshotBytes(CoordinatorStateMachine machine) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        machine.writeState(out);
        return bytes.toByteArray();
    }
}
