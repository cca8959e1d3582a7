package io.syncline.conflict.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator on a real in-process three-peer Ratis group over gRPC, with fast elections.
 * Every test waits for a leader before acting and for conditions with deadlines, never sleeps.
 */
class CoordinatorClusterIT {

    private static final Duration LEADER_WAIT = Duration.ofSeconds(15);
    private static final Duration TTL = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private CoordinatorCluster cluster(CoordinatorTuning tuning) {
        CoordinatorCluster cluster = CoordinatorCluster.start(3, dir, tuning);
        closeables.add(cluster);
        cluster.awaitLeader(LEADER_WAIT);
        return cluster;
    }

    private CoordinatorClient client(CoordinatorCluster cluster, Clock clock) {
        CoordinatorClient client = CoordinatorClient.connect(cluster.peersSpec(), clock, Duration.ofSeconds(3));
        closeables.add(client);
        return client;
    }

    /** Retries {@code action} until it succeeds or the deadline passes, then rethrows its last failure. */
    private static <T> T eventually(Duration deadline, Callable<T> action) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            try {
                return action.call();
            } catch (CoordinatorUnavailableException e) {
                if (System.nanoTime() - end > 0) {
                    throw e;
                }
            }
        }
    }

    private static void awaitTrue(Duration deadline, String what, Supplier<Boolean> condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not within " + deadline + ": " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // the poll interval of a deadline wait
        }
    }

    @Test
    void leaseIsGrantedRefusedToASecondHolderUntilExpiryThenGrantedWithTheNextEpoch() {
        CoordinatorCluster cluster = cluster(CoordinatorTuning.fast());
        MutableClock clock = new MutableClock(1_000_000);
        CoordinatorClient client = client(cluster, clock);

        PartitionLease first = client.acquire("orders", "east", 0, "task-a", TTL);
        assertThat(first.epoch()).isEqualTo(1);
        assertThat(first.expiresAtMillis()).isEqualTo(1_000_000 + TTL.toMillis());

        assertThatThrownBy(() -> client.acquire("orders", "east", 0, "task-b", TTL))
                .isInstanceOfSatisfying(LeaseRefusedException.class, e -> {
                    assertThat(e.current().holder()).isEqualTo("task-a");
                    assertThat(e.current().expiresAtMillis()).isEqualTo(first.expiresAtMillis());
                })
                .hasMessageContaining("task-a");

        clock.advance(TTL.toMillis());
        PartitionLease second = client.acquire("orders", "east", 0, "task-b", TTL);
        assertThat(second.holder()).isEqualTo("task-b");
        assertThat(second.epoch()).isEqualTo(2);

        assertThatThrownBy(() -> client.renew(first, TTL)).isInstanceOfSatisfying(LeaseLostException.class,
                e -> assertThat(e.current()).contains(second));
        assertThat(client.leases()).containsExactly(second);
        assertThat(client.leases("orders")).containsExactly(second);
        assertThat(client.leases("other")).isEmpty();
    }

    @Test
    void leaseRenewalSurvivesLeaderFailover() throws Exception {
        CoordinatorCluster cluster = cluster(CoordinatorTuning.fast());
        CoordinatorClient client = client(cluster, Clock.systemUTC());
        PartitionLease lease = client.acquire("orders", "east", 1, "task-a", TTL);
        for (int round = 1; round <= 3; round++) {
            String leader = cluster.awaitLeader(LEADER_WAIT);
            CoordinatorPeer old = cluster.peer(leader);
            long stopped = System.nanoTime();
            // Closing a Ratis server takes about a second, but it stops leading at once: renew meanwhile.
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> cluster.stop(leader));
            awaitTrue(Duration.ofSeconds(5), leader + " stopped leading", () -> !old.isLeader());
            PartitionLease held = lease;
            lease = eventually(Duration.ofSeconds(20), () -> client.renew(held, TTL));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
            System.out.println("coordinator failover: " + millis + " ms from leader stop to next lease renewal"
                    + " (round " + round + ")");
            stopping.get(10, TimeUnit.SECONDS);

            assertThat(lease.epoch()).isEqualTo(held.epoch());
            assertThat(cluster.awaitLeader(LEADER_WAIT)).isNotEqualTo(leader);
            assertThat(client.status().peers()).filteredOn(p -> p.id().equals(leader))
                    .singleElement().satisfies(p -> assertThat(p.reachable()).isFalse());
            cluster.restart(leader);
        }
    }

    @Test
    void minorityDownStopsNothing() throws Exception {
        CoordinatorCluster cluster = cluster(CoordinatorTuning.fast());
        CoordinatorClient client = client(cluster, Clock.systemUTC());
        String follower = cluster.ids().stream().filter(id -> !id.equals(cluster.awaitLeader(LEADER_WAIT)))
                .findFirst().orElseThrow();
        cluster.stop(follower);

        PartitionLease lease = eventually(Duration.ofSeconds(10), () -> client.acquire("orders", "west", 2, "task-a", TTL));
        assertThat(client.renew(lease, TTL).epoch()).isEqualTo(lease.epoch());
        assertThat(client.decide("orders", "k1", "keep-east")).isEqualTo("keep-east");

        CoordinatorStatus status = client.status();
        assertThat(status.reachable()).isEqualTo(2);
        assertThat(status.leader()).isPresent();
        assertThat(status.term()).isPositive();
        assertThat(status.commitIndex()).isPositive();
    }

    @Test
    void majorityDownFailsWithinABoundAndRecoversWithStateIntact() throws Exception {
        CoordinatorCluster cluster = cluster(CoordinatorTuning.fast());
        CoordinatorClient client = client(cluster, Clock.systemUTC());
        PartitionLease taken = client.acquire("orders", "east", 3, "task-a", TTL);
        PartitionLease retaken = client.acquire("orders", "east", 4, "task-a", Duration.ofMillis(1));
        PartitionLease moved = eventually(Duration.ofSeconds(5), () -> client.acquire("orders", "east", 4, "task-b", TTL));
        assertThat(moved.epoch()).isEqualTo(retaken.epoch() + 1);
        client.decide("orders", "row-42", "west-wins");
        client.registerSite(new SiteRecord("orders", "east", "postgresql", 10, SiteState.ACTIVE));

        List<String> ids = cluster.ids();
        cluster.stop(ids.get(0));
        cluster.stop(ids.get(1));

        long started = System.nanoTime();
        CoordinatorUnavailableException failure = assertTimeoutPreemptively(Duration.ofSeconds(15),
                () -> assertThrows(CoordinatorUnavailableException.class,
                        () -> client.acquire("orders", "east", 5, "task-a", TTL)));
        System.out.println("coordinator majority down: acquire failed after "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms: " + failure.getMessage());
        assertThat(failure).hasMessageContaining("no coordinator majority reachable among n1,n2,n3");

        cluster.restart(ids.get(0));
        cluster.awaitLeader(LEADER_WAIT);
        PartitionLease renewed = eventually(Duration.ofSeconds(20), () -> client.renew(taken, TTL));
        assertThat(renewed.epoch()).isEqualTo(taken.epoch());
        // The acquire that timed out while the majority was down may still commit once it is back
        // (Raft keeps what a surviving peer appended): partition 5, if leased, is task-a's.
        assertThat(client.leases()).filteredOn(l -> l.partition() != 5)
                .extracting(PartitionLease::partition, PartitionLease::holder, PartitionLease::epoch)
                .containsExactly(tuple(3, "task-a", taken.epoch()),
                        tuple(4, "task-b", moved.epoch()));
        assertThat(client.leases()).filteredOn(l -> l.partition() == 5)
                .allMatch(l -> l.holder().equals("task-a"), "held by task-a");
        assertThat(client.decision("orders", "row-42")).contains("west-wins");
        assertThat(client.decide("orders", "row-42", "east-wins")).isEqualTo("west-wins");
        assertThat(client.sites()).containsExactly(new SiteRecord("orders", "east", "postgresql", 10, SiteState.ACTIVE));
    }

    @Test
    void concurrentProposalsForOneKeyAllGetTheSameDecision() throws Exception {
        CoordinatorCluster cluster = cluster(CoordinatorTuning.fast());
        CoordinatorClient one = client(cluster, Clock.systemUTC());
        CoordinatorClient two = client(cluster, Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int k = 0; k < 20; k++) {
                String key = "conflict-" + k;
                CountDownLatch go = new CountDownLatch(1);
                Future<String> a = pool.submit(() -> {
                    go.await();
                    return one.decide("orders", key, "east-wins");
                });
                Future<String> b = pool.submit(() -> {
                    go.await();
                    return two.decide("orders", key, "west-wins");
                });
                go.countDown();
                String first = a.get(10, TimeUnit.SECONDS);
                assertThat(b.get(10, TimeUnit.SECONDS)).as("decision for " + key).isEqualTo(first);
                assertThat(first).isIn("east-wins", "west-wins");
                assertThat(one.decision("orders", key)).contains(first);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(one.decision("orders", "never-proposed")).isEmpty();
    }

    @Test
    void aBadCommandIsRejectedAndTheGroupCarriesOn() throws Exception {
        CoordinatorCluster cluster = cluster(CoordinatorTuning.fast());
        CoordinatorClient client = client(cluster, Clock.systemUTC());
        try (RaftClient raw = RaftClient.newBuilder()
                .setRaftGroup(CoordinatorPeers.parse(cluster.peersSpec()).group())
                .setProperties(new RaftProperties()).build()) {
            assertThatThrownBy(() -> raw.io().send(Message.valueOf(ByteString.copyFromUtf8("not a command"))))
                    .hasMessageContaining("malformed");
        }
        assertThat(client.decide("orders", "k", "v")).isEqualTo("v");
    }

    @Test
    void aFollowerThatMissedManyCommandsCatchesUpFromASnapshot() throws Exception {
        CoordinatorCluster cluster = cluster(CoordinatorTuning.fast().withSnapshotThreshold(16).withLogSegmentSize(2048));
        CoordinatorClient client = client(cluster, Clock.systemUTC());
        for (int i = 0; i < 60; i++) {
            client.reportFrontier("orders", "site-" + (i % 3), "{\"east\":" + i + "}");
        }
        String leader = cluster.awaitLeader(LEADER_WAIT);
        String follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        awaitTrue(Duration.ofSeconds(10), follower + " took a snapshot",
                () -> cluster.peer(follower).snapshotIndex() > 0);
        cluster.stop(follower);

        for (int i = 60; i < 200; i++) {
            client.reportFrontier("orders", "site-" + (i % 3), "{\"east\":" + i + "}");
            if (i % 10 == 0) {
                client.decide("orders", "key-" + i, "decision-" + i);
            }
        }
        PartitionLease lease = client.acquire("orders", "east", 9, "task-z", TTL);
        Map<String, String> expected = client.frontiers("orders");
        long leaderSnapshot = cluster.peer(cluster.awaitLeader(LEADER_WAIT)).snapshotIndex();
        assertThat(expected).containsEntry("site-1", "{\"east\":199}");

        cluster.restart(follower);
        CoordinatorStateMachine restarted = cluster.peer(follower).stateMachine();
        awaitTrue(Duration.ofSeconds(20), follower + " caught up",
                () -> restarted.localQuery(new CoordinatorQuery.Frontiers("orders"))
                        .equals(new CoordinatorReply.FrontierMap(new TreeMap<>(expected))));
        // The leader purged its log up to its snapshot, so the follower can only have caught up from it.
        assertThat(cluster.peer(follower).snapshotIndex()).isGreaterThanOrEqualTo(leaderSnapshot);
        assertThat(restarted.localQuery(new CoordinatorQuery.Decision("orders", "key-190")))
                .isEqualTo(new CoordinatorReply.RecordedDecision(Optional.of("decision-190")));
        assertThat(restarted.localQuery(new CoordinatorQuery.Leases(Optional.empty())))
                .isEqualTo(new CoordinatorReply.LeaseList(List.of(lease)));
        System.out.println("coordinator snapshot: restarted follower " + follower + " applied up to "
                + cluster.peer(follower).appliedIndex() + ", latest snapshot at " + cluster.peer(follower).snapshotIndex()
                + " (leader's snapshot at " + leaderSnapshot + " when it restarted)");
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private final AtomicLong millis;

        MutableClock(long millis) {
            this.millis = new AtomicLong(millis);
        }

        void advance(long by) {
            millis.addAndGet(by);
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
