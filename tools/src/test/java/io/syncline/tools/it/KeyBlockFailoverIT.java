package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.conflict.coordinator.CoordinatorClient;
import io.syncline.conflict.coordinator.CoordinatorUnavailableException;
import io.syncline.conflict.coordinator.KeyBlock;
import io.syncline.testkit.Deadlines;
import io.syncline.tools.embedded.CoordinatorProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Key blocks across coordinator failovers: three coordinator peers as separate processes, several
 * allocators asking for blocks of one sequence at once, each retrying a failed request with its
 * request id until a deadline; the leader is killed ({@code kill -9}) twice in the middle. The
 * allocators' operation timeout is short (250 ms), so a failover makes them give up on calls whose
 * entry may still commit, and ask again with the same id. Every
 * allocation succeeds, no value is in two blocks, and the coordinator recorded exactly the blocks the
 * allocators received (a retry got its block back, none was wasted).
 *
 * <p>Seed: {@code -Dsyncline.seed=N}, otherwise random (printed).
 */
class KeyBlockFailoverIT {

    private static final String GROUP = "failover";
    private static final String SEQUENCE = "public.tickets.id";
    private static final int ALLOCATORS = 4;
    private static final int PER_ALLOCATOR = 60;
    private static final Duration ALLOCATION_DEADLINE = Duration.ofSeconds(90);
    private static final Duration OPERATION_TIMEOUT = Duration.ofMillis(250);

    @Test
    void killingTheLeaderDuringAllocationHandsOutNoValueTwiceAndEveryAllocationSucceeds() throws Exception {
        long seed = Long.getLong("syncline.seed", ThreadLocalRandom.current().nextLong());
        System.out.println("KeyBlockFailoverIT seed " + seed + " (rerun with -Dsyncline.seed=" + seed + ")");
        Path work = Files.createTempDirectory("syncline-keyblocks-");
        Map<String, KeyBlock> received = new ConcurrentHashMap<>();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        try (CoordinatorProcesses peers = CoordinatorProcesses.start(3, work.resolve("peers"), work.resolve("logs"))) {
            ExecutorService pool = Executors.newFixedThreadPool(ALLOCATORS);
            List<Future<?>> allocators = new ArrayList<>();
            for (int a = 0; a < ALLOCATORS; a++) {
                String site = "s" + a;
                Random random = new Random(seed + a);
                allocators.add(pool.submit(() -> {
                    try (CoordinatorClient client = CoordinatorClient.connect(peers.peersSpec(), Clock.systemUTC(),
                            OPERATION_TIMEOUT)) {
                        for (int i = 0; i < PER_ALLOCATOR; i++) {
                            String requestId = site + "/" + i;
                            long size = 1 + random.nextInt(1_000);
                            long floor = random.nextInt(5_000);
                            received.put(requestId, allocate(client, site, size, floor, requestId, retried));
                            done.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            int total = ALLOCATORS * PER_ALLOCATOR;
            for (int kill = 1; kill <= 2; kill++) {
                int at = total * kill / 3;
                Deadlines.await(at + " allocations done", ALLOCATION_DEADLINE, () -> done.get() >= at,
                        () -> done.get() + " done");
                String leader = peers.awaitLeader(Duration.ofSeconds(30));
                peers.kill(leader);
                System.out.printf("KeyBlockFailoverIT seed %d: killed leader %s after %d allocations%n", seed,
                        leader, done.get());
                String next = peers.awaitLeader(Duration.ofSeconds(60));
                assertThat(next).isNotEqualTo(leader);
                peers.restart(leader);
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(ALLOCATION_DEADLINE.toSeconds(), TimeUnit.SECONDS))
                    .as("allocators done (seed %d)", seed).isTrue();
            for (Future<?> allocator : allocators) {
                allocator.get(); // an allocation that never succeeded fails its allocator, and so the test
            }
            assertThat(received).as("allocations (seed %d)", seed).hasSize(total);

            List<KeyBlock> blocks = new ArrayList<>(received.values());
            blocks.sort(Comparator.comparingLong(KeyBlock::start));
            for (int i = 1; i < blocks.size(); i++) {
                assertThat(blocks.get(i).start()).as("%s after %s (seed %d)", blocks.get(i), blocks.get(i - 1), seed)
                        .isGreaterThan(blocks.get(i - 1).end());
            }
            List<KeyBlock> recorded;
            try (CoordinatorClient client = CoordinatorClient.connect(peers.peersSpec())) {
                recorded = eventually(() -> client.keyBlocks(GROUP, SEQUENCE));
            }
            assertThat(recorded).as("blocks the coordinator recorded: those received, none wasted (seed %d)", seed)
                    .containsExactlyElementsOf(Collections.unmodifiableList(blocks));
            System.out.printf("KeyBlockFailoverIT seed %d: %d blocks, %d values, disjoint; %d requests retried%n",
                    seed, blocks.size(), blocks.stream().mapToLong(KeyBlock::size).sum(), retried.get());
            assertThat(retried.get()).as("requests asked again with their id during the failovers (seed %d)", seed)
                    .isPositive();
        }
    }

    /** Asks until the coordinator answers, always with the same request id. */
    private static KeyBlock allocate(CoordinatorClient client, String site, long size, long floor, String requestId,
            AtomicInteger retried) {
        long deadline = System.nanoTime() + ALLOCATION_DEADLINE.toNanos();
        boolean first = true;
        while (true) {
            try {
                KeyBlock block = client.allocateKeyBlock(GROUP, SEQUENCE, site, size, floor, requestId);
                assertThat(block.requestId()).isEqualTo(requestId);
                assertThat(block.size()).isEqualTo(size);
                assertThat(block.start()).isGreaterThan(floor);
                return block;
            } catch (CoordinatorUnavailableException e) {
                if (first) {
                    retried.incrementAndGet();
                    first = false;
                }
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Deadlines.pause(Duration.ofMillis(100));
            }
        }
    }

    private static <T> T eventually(Callable<T> read) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return read.call();
            } catch (CoordinatorUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Deadlines.pause(Duration.ofMillis(100));
            }
        }
    }
}
