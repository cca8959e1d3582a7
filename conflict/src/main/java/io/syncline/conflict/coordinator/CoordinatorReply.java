package io.syncline.conflict.coordinator;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** What the state machine answers to a command or a query. */
sealed interface CoordinatorReply {

    /** Acquire succeeded (new epoch, or the same one if the holder already had it). */
    record Granted(PartitionLease lease) implements CoordinatorReply {
    }

    /** Acquire failed: {@code current} stands. */
    record Refused(PartitionLease current) implements CoordinatorReply {
    }

    /** Renew succeeded. */
    record Renewed(PartitionLease lease) implements CoordinatorReply {
    }

    /** Renew failed: the lease moved to {@code current}, or was released if empty. */
    record Lost(Optional<PartitionLease> current) implements CoordinatorReply {
    }

    /** Release: whether the caller's lease was the current one and is now free. */
    record Released(boolean released) implements CoordinatorReply {
    }

    /** A registration or frontier report was recorded. */
    record Accepted() implements CoordinatorReply {
    }

    /** The decision recorded under the key: the proposal if it came first, else the earlier one. */
    record Decided(String decision) implements CoordinatorReply {
    }

    /** Answer to {@link CoordinatorQuery.Leases}. */
    record LeaseList(List<PartitionLease> leases) implements CoordinatorReply {
        public LeaseList {
            leases = List.copyOf(leases);
        }
    }

    /** Answer to {@link CoordinatorQuery.Sites}. */
    record SiteList(List<SiteRecord> sites) implements CoordinatorReply {
        public SiteList {
            sites = List.copyOf(sites);
        }
    }

    /** Answer to {@link CoordinatorQuery.Decision}. */
    record RecordedDecision(Optional<String> decision) implements CoordinatorReply {
    }

    /** Answer to {@link CoordinatorQuery.Frontiers}: site to version vector text, in site order. */
    record FrontierMap(SortedMap<String, String> frontiers) implements CoordinatorReply {
        public FrontierMap {
            frontiers = Collections.unmodifiableSortedMap(new TreeMap<>(frontiers));
        }
    }

    /** A key block was allocated (or, for a request id seen before, the block recorded for it). */
    record BlockAllocated(KeyBlock block) implements CoordinatorReply {
    }

    /** No block could be allocated: the value space above the floor is used up. */
    record NoBlock(String reason) implements CoordinatorReply {
    }

    /** Answer to {@link CoordinatorQuery.KeyBlocks}, in value order. */
    record KeyBlockList(List<KeyBlock> blocks) implements CoordinatorReply {
        public KeyBlockList {
            blocks = List.copyOf(blocks);
        }
    }
}
