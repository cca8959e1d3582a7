package io.syncline.core.apply;

import io.syncline.core.site.UniqueKey;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rule that settles a {@link ConflictType#UNIQUE_KEY} conflict: of two rows that hold the same value
 * of a unique key, <b>the row with the lower primary key keeps the value</b>; the other row's columns of
 * that key that can be NULL are set to NULL (the row stays, with its version), and where none can, the
 * other row is deleted. Keys are compared as numbers when both are integers, else by their canonical
 * text. The decision depends on the two keys only, never on versions, arrival order or the site, and a
 * row's key never changes while its versions do: every site that meets the collision decides it the
 * same way, whichever of the two rows it held first and whichever of a row's versions collides.
 *
 * <pre>{@code
 * Decision d = LowestKeyWins.decide("7", List.of(new Collision(email, "3")));
 * d.incomingNulled();   // [email]: user 3 keeps the address, user 7 is written without one
 * }</pre>
 */
final class LowestKeyWins {

    /** The rule's name in {@code syncline.conflicts.rule}. */
    static final String RULE = "lowest-key-wins";

    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,40}");

    /** Primary-key texts in the rule's order: numerically for integers, else by text. */
    static final Comparator<String> KEY_ORDER = (a, b) -> {
        if (INTEGER.matcher(a).matches() && INTEGER.matcher(b).matches()) {
            int byNumber = new BigInteger(a).compareTo(new BigInteger(b));
            if (byNumber != 0) {
                return byNumber;
            }
        }
        return a.compareTo(b);
    };

    /** The incoming row holds the value of {@code key} that the local row {@code otherKey} holds too. */
    record Collision(UniqueKey key, String otherKey) {
        Collision {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(otherKey, "otherKey");
        }
    }

    /**
     * What to write for an incoming row and the local rows it collides with.
     *
     * @param deleteIncoming the incoming row is not written: its key is deleted
     * @param incomingNulled the incoming row's columns to write as NULL (empty when it is deleted)
     * @param winners the local rows that keep a value the incoming row also holds, in collision order
     * @param localNulled per local row that loses a value to the incoming row, the columns set to NULL
     * @param localDeleted the local rows deleted, having lost a value whose columns cannot be NULL
     */
    record Decision(boolean deleteIncoming, Set<String> incomingNulled, List<String> winners,
            Map<String, Set<String>> localNulled, List<String> localDeleted) {
        Decision {
            incomingNulled = Collections.unmodifiableSet(new LinkedHashSet<>(incomingNulled));
            winners = List.copyOf(winners);
            localNulled = Collections.unmodifiableMap(new LinkedHashMap<>(localNulled));
            localDeleted = List.copyOf(localDeleted);
        }
    }

    private LowestKeyWins() {
    }

    /**
     * Decides the collisions of the incoming row {@code incomingKey}, each with a row of another key. The
     * incoming row first loses the values that lower keys hold (deleted, when one of them cannot be
     * NULL); then it takes, from higher keys, the values it still holds (the columns it keeps).
     */
    static Decision decide(String incomingKey, List<Collision> collisions) {
        Set<String> incomingNulled = new LinkedHashSet<>();
        List<String> winners = new ArrayList<>();
        boolean deleteIncoming = false;
        for (Collision c : collisions) {
            if (c.otherKey().equals(incomingKey)) {
                throw new IllegalArgumentException("row " + incomingKey + " cannot collide with itself on "
                        + c.key().name());
            }
            if (KEY_ORDER.compare(c.otherKey(), incomingKey) < 0) {
                if (!winners.contains(c.otherKey())) {
                    winners.add(c.otherKey());
                }
                deleteIncoming |= c.key().nullable().isEmpty();
                incomingNulled.addAll(c.key().nullable());
            }
        }
        if (deleteIncoming) {
            return new Decision(true, Set.of(), winners, Map.of(), List.of());
        }
        Map<String, Set<String>> localNulled = new LinkedHashMap<>();
        List<String> localDeleted = new ArrayList<>();
        for (Collision c : collisions) {
            if (KEY_ORDER.compare(c.otherKey(), incomingKey) < 0
                    || !Collections.disjoint(c.key().columns(), incomingNulled)) {
                continue;
            }
            if (c.key().nullable().isEmpty()) {
                if (!localDeleted.contains(c.otherKey())) {
                    localDeleted.add(c.otherKey());
                }
            } else {
                localNulled.computeIfAbsent(c.otherKey(), k -> new LinkedHashSet<>()).addAll(c.key().nullable());
            }
        }
        localDeleted.forEach(localNulled::remove);
        return new Decision(false, incomingNulled, winners, localNulled, localDeleted);
    }
}
