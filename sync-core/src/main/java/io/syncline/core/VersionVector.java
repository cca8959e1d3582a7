package io.syncline.core;

import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable version vector: for each site, how many of that site's writes a version has
 * seen. Counters are positive; a site that is absent has counter 0.
 *
 * <p>The text form, {@link #encode()}, lists the entries in ascending site order as
 * {@code site:counter} joined by {@code ,} (for example {@code "a:3,b:5"}; the empty vector is
 * {@code ""}). The site triggers produce the same text in SQL, so the format is fixed.
 *
 * <pre>{@code
 * SiteId a = SiteId.of("a"), b = SiteId.of("b");
 * VersionVector x = VersionVector.empty().increment(a);          // {a:1}
 * VersionVector y = x.increment(b);                               // {a:1,b:1}
 * x.compare(y);                                                   // BEFORE
 * x.increment(a).compare(y);                                      // CONCURRENT
 * VersionVector.parse("a:3,b:5").get(b);                          // 5
 * }</pre>
 */
public final class VersionVector {

    /** How two vectors relate. */
    public enum Ordering {
        /** This vector is strictly dominated by the other: the other version saw this one. */
        BEFORE,
        /** This vector strictly dominates the other: this version saw the other one. */
        AFTER,
        /** Both vectors are the same. */
        EQUAL,
        /** Neither saw the other: the versions conflict. */
        CONCURRENT
    }

    private static final VersionVector EMPTY = new VersionVector(Collections.emptySortedMap());

    private final SortedMap<SiteId, Long> counters;

    private VersionVector(SortedMap<SiteId, Long> counters) {
        this.counters = counters;
    }

    /** Returns the vector with no entries. */
    public static VersionVector empty() {
        return EMPTY;
    }

    /**
     * Returns a vector with the given counters; zero counters are dropped.
     *
     * @throws IllegalArgumentException if a site or counter is null or a counter is negative
     */
    public static VersionVector of(Map<SiteId, Long> entries) {
        if (entries == null) {
            throw new IllegalArgumentException("version vector entries are null: use an empty map");
        }
        TreeMap<SiteId, Long> copy = new TreeMap<>();
        for (Map.Entry<SiteId, Long> entry : entries.entrySet()) {
            SiteId site = entry.getKey();
            if (site == null) {
                throw new IllegalArgumentException("version vector has a null site id");
            }
            Long counter = entry.getValue();
            if (counter == null) {
                throw new IllegalArgumentException("version vector counter for site '" + site + "' is null");
            }
            checkCounter(site, counter);
            if (counter > 0) {
                copy.put(site, counter);
            }
        }
        return wrap(copy);
    }

    /**
     * Parses the text made by {@link #encode()}; {@code null} and {@code ""} give the empty vector.
     *
     * @throws IllegalArgumentException naming the text if it is not in the exact format
     */
    public static VersionVector parse(String text) {
        if (text == null || text.isEmpty()) {
            return EMPTY;
        }
        TreeMap<SiteId, Long> parsed = new TreeMap<>();
        SiteId previous = null;
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf(',', start);
            if (end < 0) {
                end = text.length();
            }
            int colon = text.indexOf(':', start);
            if (colon < 0 || colon > end) {
                throw invalidText(text, "entry '" + text.substring(start, end) + "' is not site:counter");
            }
            SiteId site;
            long counter;
            try {
                site = SiteId.of(text.substring(start, colon));
                counter = Counters.parsePositive(text, colon + 1, end);
            } catch (IllegalArgumentException e) {
                throw invalidText(text, e.getMessage());
            }
            if (previous != null && previous.compareTo(site) >= 0) {
                throw invalidText(text, "sites must be in ascending order without repeats");
            }
            parsed.put(site, counter);
            previous = site;
            start = end + 1;
        }
        return wrap(parsed);
    }

    private static IllegalArgumentException invalidText(String text, String reason) {
        return new IllegalArgumentException("version vector '" + text + "' is invalid: " + reason
                + " (expected e.g. 'a:3,b:5')");
    }

    private static void checkCounter(SiteId site, long counter) {
        if (counter < 0) {
            throw new IllegalArgumentException(
                    "version vector counter for site '" + site + "' was " + counter + ", must be 0 or more");
        }
    }

    private static VersionVector wrap(TreeMap<SiteId, Long> counters) {
        return counters.isEmpty() ? EMPTY : new VersionVector(Collections.unmodifiableSortedMap(counters));
    }

    /** Returns the counter of the site, 0 if absent. */
    public long get(SiteId site) {
        Long counter = counters.get(site);
        return counter == null ? 0 : counter;
    }

    /**
     * Returns this vector with the site's counter one higher.
     *
     * @throws IllegalStateException if the counter is already {@link Long#MAX_VALUE}
     */
    public VersionVector increment(SiteId site) {
        long current = get(site);
        if (current == Long.MAX_VALUE) {
            throw new IllegalStateException("version vector counter for site '" + site + "' cannot grow past "
                    + Long.MAX_VALUE);
        }
        return with(site, current + 1);
    }

    /**
     * Returns this vector with the site's counter set; 0 removes the entry.
     *
     * @throws IllegalArgumentException if the counter is negative
     */
    public VersionVector with(SiteId site, long counter) {
        if (site == null) {
            throw new IllegalArgumentException("version vector site id is null");
        }
        checkCounter(site, counter);
        TreeMap<SiteId, Long> copy = new TreeMap<>(counters);
        if (counter == 0) {
            copy.remove(site);
        } else {
            copy.put(site, counter);
        }
        return wrap(copy);
    }

    /** Returns the pointwise maximum of both vectors: the least version that saw both. */
    public VersionVector join(VersionVector other) {
        if (other.counters.isEmpty() || this.equals(other)) {
            return this;
        }
        if (counters.isEmpty()) {
            return other;
        }
        TreeMap<SiteId, Long> joined = new TreeMap<>(counters);
        other.counters.forEach((site, counter) -> joined.merge(site, counter, Math::max));
        return wrap(joined);
    }

    /** Tells how this vector relates to the other; {@code BEFORE} means the other strictly dominates this. */
    public Ordering compare(VersionVector other) {
        boolean thisAhead = false;
        boolean otherAhead = false;
        for (Map.Entry<SiteId, Long> entry : counters.entrySet()) {
            long mine = entry.getValue();
            long theirs = other.get(entry.getKey());
            if (mine > theirs) {
                thisAhead = true;
            } else if (mine < theirs) {
                otherAhead = true;
            }
        }
        if (!otherAhead) {
            for (SiteId site : other.counters.keySet()) {
                if (!counters.containsKey(site)) {
                    otherAhead = true;
                    break;
                }
            }
        }
        if (thisAhead) {
            return otherAhead ? Ordering.CONCURRENT : Ordering.AFTER;
        }
        return otherAhead ? Ordering.BEFORE : Ordering.EQUAL;
    }

    /** Returns true if every counter of this vector is at most the other's (this &lt;= other). */
    public boolean dominatedBy(VersionVector other) {
        for (Map.Entry<SiteId, Long> entry : counters.entrySet()) {
            if (entry.getValue() > other.get(entry.getKey())) {
                return false;
            }
        }
        return true;
    }

    /** Returns the entries, unmodifiable and in ascending site order. */
    public Map<SiteId, Long> entries() {
        return counters;
    }

    /** Returns true if no site has a counter. */
    public boolean isEmpty() {
        return counters.isEmpty();
    }

    /** Returns the text form, e.g. {@code "a:3,b:5"}; see the type's description. */
    public String encode() {
        if (counters.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(counters.size() * 12);
        Iterator<Map.Entry<SiteId, Long>> it = counters.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<SiteId, Long> entry = it.next();
            text.append(entry.getKey().value()).append(':').append(entry.getValue().longValue());
            if (it.hasNext()) {
                text.append(',');
            }
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionVector other && counters.equals(other.counters);
    }

    @Override
    public int hashCode() {
        return counters.hashCode();
    }

    @Override
    public String toString() {
        return "{" + encode() + "}";
    }
}
