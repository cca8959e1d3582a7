package io.syncline.tools.cli;

import io.syncline.core.RowId;
import io.syncline.core.VersionVector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Step 1 of a tombstone collection round: the tombstones every site holds with the same version
 * vector, i.e. deletions known everywhere (docs/design.md, "Tombstones").
 *
 * <pre>{@code
 * List<Tombstone> both = TombstoneCandidates.select(List.of(tombstonesAtA, tombstonesAtB));
 * }</pre>
 */
public final class TombstoneCandidates {

    /** One meta entry with {@code deleted = true}: table, key text and the vector text as stored. */
    public record Tombstone(String table, String pk, String vv) {
        public Tombstone {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(pk, "pk");
            Objects.requireNonNull(vv, "vv");
        }

        RowId key() {
            return new RowId(table, pk);
        }
    }

    private TombstoneCandidates() {
    }

    /**
     * The tombstones present at every site with the same vector, in the first site's order (each
     * site deletes its own entry, matching the vector text it stores).
     *
     * @param sites per site, its tombstones by key; a site with none makes the answer empty
     */
    static List<Tombstone> select(Collection<Map<RowId, Tombstone>> sites) {
        List<Tombstone> candidates = new ArrayList<>();
        if (sites.isEmpty()) {
            return candidates;
        }
        Map<RowId, Tombstone> first = sites.iterator().next();
        for (Tombstone t : first.values()) {
            boolean everywhere = true;
            for (Map<RowId, Tombstone> site : sites) {
                Tombstone other = site.get(t.key());
                if (other == null || !sameVector(other.vv(), t.vv())) {
                    everywhere = false;
                    break;
                }
            }
            if (everywhere) {
                candidates.add(t);
            }
        }
        return candidates;
    }

    private static boolean sameVector(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        try {
            return VersionVector.parse(a).equals(VersionVector.parse(b));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
