package io.syncline.connector.source;

import io.syncline.conflict.coordinator.CoordinatorClient;
import io.syncline.conflict.coordinator.CoordinatorException;
import io.syncline.conflict.coordinator.CoordinatorUnavailableException;
import io.syncline.conflict.coordinator.KeyBlock;
import io.syncline.core.site.KeyBlockSource;
import io.syncline.core.site.KeyBlockUnavailableException;
import io.syncline.core.site.SequenceBlock;
import io.syncline.core.site.SiteSetupException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The key blocks of one site, allocated through the Raft coordinator. A request the coordinator did
 * not answer is asked again with the same request id until {@code patience} has passed, so a leader
 * change in the middle costs neither a second block nor a lost one.
 *
 * <pre>{@code
 * try (CoordinatorKeyBlocks blocks = CoordinatorKeyBlocks.connect("n1=...", "orders", "east", Duration.ofSeconds(10))) {
 *     SequenceBlock block = blocks.allocate("public.tickets.id", 1_234, 10_000, "after:20000");
 * }
 * }</pre>
 */
public final class CoordinatorKeyBlocks implements KeyBlockSource, AutoCloseable {

    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);

    private final CoordinatorClient client;
    private final String group;
    private final String site;
    private final Duration patience;

    private CoordinatorKeyBlocks(CoordinatorClient client, String group, String site, Duration patience) {
        this.client = client;
        this.group = group;
        this.site = site;
        this.patience = patience;
    }

    /** Connects to the coordinator {@code peers} names, for site {@code site} of {@code group}. */
    public static CoordinatorKeyBlocks connect(String peers, String group, String site, Duration patience) {
        if (patience == null || patience.isNegative()) {
            throw new IllegalArgumentException("patience was " + patience + ", must be zero or positive");
        }
        return new CoordinatorKeyBlocks(CoordinatorClient.connect(peers, Clock.systemUTC(), OPERATION_TIMEOUT), group,
                site, patience);
    }

    @Override
    public SequenceBlock allocate(String sequence, long floor, long size, String requestId) {
        // Scoped to the site: two sites' request ids never meet in the sequence's record.
        String id = site + "/" + requestId;
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                KeyBlock block = client.allocateKeyBlock(group, sequence, site, size, floor, id);
                return new SequenceBlock(block.start(), block.end());
            } catch (CoordinatorUnavailableException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new KeyBlockUnavailableException("no block of " + sequence + " could be allocated: "
                            + e.getMessage(), e);
                }
                pause();
            } catch (CoordinatorException e) {
                throw new SiteSetupException("no block of " + sequence + " for site " + site + ": " + e.getMessage(),
                        e);
            }
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeyBlockUnavailableException("interrupted while waiting for the coordinator", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
