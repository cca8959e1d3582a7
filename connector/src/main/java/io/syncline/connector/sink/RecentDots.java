package io.syncline.connector.sink;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.syncline.core.ChangeEvent;
import io.syncline.core.Dot;
import io.syncline.core.apply.Rejection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The dots of changes this task applied lately, so a redelivered change is skipped before any
 * database round trip (the vector check would skip it too, at the cost of a transaction).
 */
final class RecentDots {

    private final Cache<String, Boolean> dots;

    /** @param maximumSize how many dots to keep; 0 keeps none */
    RecentDots(int maximumSize) {
        if (maximumSize < 0) {
            throw new IllegalArgumentException("maximumSize was " + maximumSize + ", must be >= 0");
        }
        this.dots = Caffeine.newBuilder().maximumSize(maximumSize).build();
    }

    boolean contains(Dot dot) {
        return dots.getIfPresent(dot.key()) != null;
    }

    /**
     * Remembers the dots of a committed batch's changes, except those the site refused: a refused
     * change is not held here, and a replay of it ({@code syncline replay}) must reach the database.
     */
    void rememberApplied(List<ChangeEvent> events, List<Rejection> refused) {
        Set<String> notHeld = new HashSet<>();
        for (Rejection r : refused) {
            notHeld.add(r.event().dot().key());
        }
        for (ChangeEvent event : events) {
            String dot = event.dot().key();
            if (!notHeld.contains(dot)) {
                dots.put(dot, Boolean.TRUE);
            }
        }
    }
}
