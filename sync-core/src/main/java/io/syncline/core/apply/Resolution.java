package io.syncline.core.apply;

import java.util.Objects;

/**
 * The outcome of a conflict: the resulting version (its vector is the join of both), which side
 * it came from, and the rule that decided.
 */
public record Resolution(RowState result, Winner winner, String rule) {

    /** Where the resulting version came from. */
    public enum Winner {
        /** The version the site held stays. */
        LOCAL,
        /** The incoming version replaces it. */
        INCOMING,
        /** A new version made of both (per-column or counter merges). */
        MERGED
    }

    public Resolution {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(winner, "winner");
        Objects.requireNonNull(rule, "rule");
    }
}
