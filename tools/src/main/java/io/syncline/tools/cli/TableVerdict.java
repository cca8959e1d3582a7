package io.syncline.tools.cli;

import io.syncline.core.site.TableRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link MeshVerification} found for one table: per site its row count, chunks and digest, and
 * what differs between the sites: shape problems (table or columns missing) and the keys whose rows
 * are missing at a site or hold other values, the first few listed, the rest counted.
 *
 * <pre>{@code
 * TableVerdict verdict = verification.verify(sites, TableRef.parse("public.orders"));
 * if (!verdict.equal()) verdict.differences().forEach(System.out::println);
 * }</pre>
 *
 * @param table the table
 * @param sites per site id, in the mesh's order, what it holds ({@code null} where the table is missing)
 * @param problems differences of shape, e.g. {@code "missing at site b"}
 * @param keys the differing keys listed, in the order found (the first site's key order first)
 * @param unlistedKeys differing keys beyond those listed
 */
public record TableVerdict(TableRef table, Map<String, SiteTally> sites, List<String> problems,
        List<KeyDifference> keys, long unlistedKeys) {

    public TableVerdict {
        Objects.requireNonNull(table, "table");
        sites = Collections.unmodifiableMap(new LinkedHashMap<>(sites));
        problems = List.copyOf(problems);
        keys = List.copyOf(keys);
        if (unlistedKeys < 0) {
            throw new IllegalArgumentException("unlistedKeys was " + unlistedKeys + ", must be >= 0");
        }
    }

    /**
     * One site's copy of the table.
     *
     * @param rows rows at the site
     * @param chunks key ranges checked (the same ranges at every site)
     * @param digest hex digest of the whole table at the site, independent of the chunk size
     */
    public record SiteTally(long rows, int chunks, String digest) {
        public SiteTally {
            Objects.requireNonNull(digest, "digest");
        }
    }

    /**
     * A key whose row differs between sites.
     *
     * @param key the key's canonical text ({@code KeyText}: one column's text, or the columns joined
     *     by {@code ,} with {@code \} and {@code ,} escaped)
     * @param rowDigests per site that holds the key, the digest of its row image; a site that is
     *     absent does not hold the key
     */
    public record KeyDifference(String key, Map<String, String> rowDigests) {
        public KeyDifference {
            Objects.requireNonNull(key, "key");
            rowDigests = Collections.unmodifiableMap(new LinkedHashMap<>(rowDigests));
        }

        /**
         * One line: {@code key 42: missing at b}, {@code key 7: only at a, missing at b, c},
         * {@code key 9: different rows at a, b | c}.
         */
        public String describe(List<String> siteIds) {
            List<String> missing = new ArrayList<>();
            Map<String, List<String>> versions = new LinkedHashMap<>();
            for (String site : siteIds) {
                String digest = rowDigests.get(site);
                if (digest == null) {
                    missing.add(site);
                } else {
                    versions.computeIfAbsent(digest, d -> new ArrayList<>()).add(site);
                }
            }
            StringBuilder sb = new StringBuilder("key ").append(key).append(": ");
            if (versions.size() > 1) {
                sb.append("different rows at ");
                sb.append(String.join(" | ", versions.values().stream().map(s -> String.join(", ", s)).toList()));
                if (!missing.isEmpty()) {
                    sb.append("; missing at ").append(String.join(", ", missing));
                }
            } else if (versions.size() == 1 && missing.size() > 1) {
                sb.append("only at ").append(String.join(", ", versions.values().iterator().next()))
                        .append(", missing at ").append(String.join(", ", missing));
            } else {
                sb.append("missing at ").append(String.join(", ", missing));
            }
            return sb.toString();
        }
    }

    /** No shape problem and no differing key: every site holds the same rows. */
    public boolean equal() {
        return problems.isEmpty() && keys.isEmpty() && unlistedKeys == 0;
    }

    /** Differing keys, listed and unlisted. */
    public long differingKeys() {
        return keys.size() + unlistedKeys;
    }

    /** Rows at a site, 0 where the table is missing. */
    public long rows(String site) {
        SiteTally tally = sites.get(site);
        return tally == null ? 0 : tally.rows();
    }

    /** Everything that differs, one readable line each; empty when {@link #equal()}. */
    public List<String> differences() {
        List<String> lines = new ArrayList<>(problems);
        // Sites whose rows were not compared (shape problems) are not where a key is "missing".
        List<String> siteIds = sites.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey).toList();
        for (KeyDifference key : keys) {
            lines.add(key.describe(siteIds));
        }
        if (unlistedKeys > 0) {
            lines.add("... and " + unlistedKeys + " more differing keys");
        }
        return lines;
    }
}
