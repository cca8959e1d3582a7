package io.syncline.core.apply;

/**
 * What one apply batch did.
 *
 * @param applied incoming versions written to the site
 * @param skipped incoming versions the site already had (duplicates or stale versions)
 * @param conflicts incoming versions concurrent with the local one (each resolved)
 */
public record ApplyResult(int applied, int skipped, int conflicts) {

    public static final ApplyResult EMPTY = new ApplyResult(0, 0, 0);

    public ApplyResult plus(ApplyResult other) {
        return new ApplyResult(applied + other.applied, skipped + other.skipped, conflicts + other.conflicts);
    }
}
