package io.syncline.core.apply;

import java.util.ArrayList;
import java.util.List;

/**
 * What one apply batch did.
 *
 * @param applied incoming versions written to the site
 * @param skipped incoming versions the site already had (duplicates or stale versions)
 * @param conflicts incoming versions concurrent with the local one (each resolved and logged)
 * @param rejected changes the database refused; the rest of the batch was applied
 */
public record ApplyResult(int applied, int skipped, int conflicts, List<Rejection> rejected) {

    public static final ApplyResult EMPTY = new ApplyResult(0, 0, 0, List.of());

    public ApplyResult {
        rejected = List.copyOf(rejected);
    }

    /** A result without rejected changes. */
    public ApplyResult(int applied, int skipped, int conflicts) {
        this(applied, skipped, conflicts, List.of());
    }

    public ApplyResult plus(ApplyResult other) {
        List<Rejection> all = new ArrayList<>(rejected);
        all.addAll(other.rejected);
        return new ApplyResult(applied + other.applied, skipped + other.skipped, conflicts + other.conflicts, all);
    }
}
