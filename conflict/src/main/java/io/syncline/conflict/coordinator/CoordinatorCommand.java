package io.syncline.conflict.coordinator;

/**
 * The closed set of changes the coordinator's replicated state machine applies, one per Raft log
 * entry. Each is checked when built; {@link CoordinatorCodec} writes it as a type byte plus its
 * fields. Time comes only from a command's {@code nowMillis}, the proposing client's clock, so every
 * peer applying the same log reaches the same state.
 *
 * <pre>{@code
 * CoordinatorCommand c = new CoordinatorCommand.Acquire("orders", "east", 3, "east-sink-0/7f3a", 10_000, clock.millis());
 * }</pre>
 */
public sealed interface CoordinatorCommand {

    /**
     * Take the lease on a partition: granted if it is free, released, expired at {@code nowMillis},
     * or already {@code holder}'s (then renewed with the same epoch); refused otherwise.
     */
    record Acquire(String group, String site, int partition, String holder, long ttlMillis, long nowMillis)
            implements CoordinatorCommand {
        /** Checks every field. */
        public Acquire {
            Checks.text("group", group);
            Checks.text("site", site);
            Checks.partition(partition);
            Checks.text("holder", holder);
            Checks.ttl(ttlMillis, nowMillis);
        }
    }

    /**
     * Extend a lease: succeeds while {@code holder} and {@code epoch} are still the partition's,
     * even after expiry if nobody took it meanwhile (a take-over would have raised the epoch, so
     * fencing stays sound); otherwise the lease is lost.
     */
    record Renew(String group, String site, int partition, String holder, long epoch, long ttlMillis,
            long nowMillis) implements CoordinatorCommand {
        /** Checks every field. */
        public Renew {
            Checks.text("group", group);
            Checks.text("site", site);
            Checks.partition(partition);
            Checks.text("holder", holder);
            Checks.epoch(epoch);
            Checks.ttl(ttlMillis, nowMillis);
        }
    }

    /** Give a lease up so another holder need not wait for its expiry; the epoch is kept. */
    record Release(String group, String site, int partition, String holder, long epoch)
            implements CoordinatorCommand {
        /** Checks every field. */
        public Release {
            Checks.text("group", group);
            Checks.text("site", site);
            Checks.partition(partition);
            Checks.text("holder", holder);
            Checks.epoch(epoch);
        }
    }

    /** Add a site to the registry or replace its record. */
    record RegisterSite(SiteRecord site) implements CoordinatorCommand {
        /** Checks the record is there. */
        public RegisterSite {
            if (site == null) {
                throw new IllegalArgumentException("site record was null");
            }
        }
    }

    /**
     * Record a coordinated decision under an idempotency key; the first one recorded wins and
     * every later proposal gets it back, so every site applies the same one.
     */
    record Decide(String group, String key, String proposal) implements CoordinatorCommand {
        /** Checks every field. */
        public Decide {
            Checks.text("group", group);
            Checks.text("decision key", key);
            if (proposal == null) {
                throw new IllegalArgumentException("proposal for decision " + key + " was null");
            }
        }
    }

    /** Record the version vector a site has applied up to; the latest report replaces earlier ones. */
    record ReportFrontier(String group, String site, String versionVector) implements CoordinatorCommand {
        /** Checks every field. */
        public ReportFrontier {
            Checks.text("group", group);
            Checks.text("site", site);
            if (versionVector == null) {
                throw new IllegalArgumentException("frontier of site " + site + " was null");
            }
        }
    }

    /**
     * Hand {@code site} the next {@code blockSize} values of {@code sequence}'s value space: the
     * block starts above both {@code floor} (the largest value the site's sequence or column holds)
     * and every block handed out before for the sequence, at any site, so blocks never overlap. A
     * request with a {@code requestId} seen before for the sequence gets the block recorded for it
     * again, so a retry (after a timeout or a leader change) neither wastes nor duplicates a block.
     */
    record AllocateKeyBlock(String group, String sequence, String site, long blockSize, long floor,
            String requestId) implements CoordinatorCommand {
        /** Most values one block may hold. */
        public static final long MAX_BLOCK_SIZE = 1_000_000_000L;

        /** Checks every field. */
        public AllocateKeyBlock {
            Checks.text("group", group);
            Checks.text("sequence", sequence);
            Checks.text("site", site);
            Checks.text("requestId", requestId);
            if (blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
                throw new IllegalArgumentException("blockSize was " + blockSize + ", must be between 1 and "
                        + MAX_BLOCK_SIZE);
            }
            if (floor < 0) {
                throw new IllegalArgumentException("floor of sequence " + sequence + " was " + floor
                        + ", must be >= 0");
            }
        }
    }
}
