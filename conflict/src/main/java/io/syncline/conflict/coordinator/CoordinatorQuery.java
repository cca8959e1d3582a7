package io.syncline.conflict.coordinator;

import java.util.Optional;

/** The closed set of read-only questions the state machine answers without a log entry. */
sealed interface CoordinatorQuery {

    /** Held leases (expired ones included), of one group or of all. */
    record Leases(Optional<String> group) implements CoordinatorQuery {
        public Leases {
            if (group == null) {
                throw new IllegalArgumentException("leases query group was null: use Optional.empty() for all");
            }
            group.ifPresent(g -> Checks.text("group", g));
        }
    }

    /** Every registered site. */
    record Sites() implements CoordinatorQuery {
    }

    /** The decision recorded under a key, if any. */
    record Decision(String group, String key) implements CoordinatorQuery {
        public Decision {
            Checks.text("group", group);
            Checks.text("decision key", key);
        }
    }

    /** The latest frontier each site of a group reported. */
    record Frontiers(String group) implements CoordinatorQuery {
        public Frontiers {
            Checks.text("group", group);
        }
    }

    /** Every block handed out for a sequence of a group, in value order. */
    record KeyBlocks(String group, String sequence) implements CoordinatorQuery {
        public KeyBlocks {
            Checks.text("group", group);
            Checks.text("sequence", sequence);
        }
    }
}
