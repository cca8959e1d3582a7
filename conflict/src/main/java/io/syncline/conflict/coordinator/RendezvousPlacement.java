package io.syncline.conflict.coordinator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rendezvous (highest-random-weight) placement of partitions on candidate holders: each candidate
 * scores each partition with a stable hash and the highest score owns it. Every process computes
 * the same owner from the same candidates, partitions spread evenly, and when a candidate leaves,
 * only its partitions move (each to its next-best candidate).
 *
 * <pre>{@code
 * String owner = RendezvousPlacement.owner(List.of("w1", "w2", "w3"), "orders", "east", 7);
 * Map<Integer, String> plan = RendezvousPlacement.place(List.of("w1", "w2", "w3"), "orders", "east", 12);
 * }</pre>
 */
public final class RendezvousPlacement {

    private RendezvousPlacement() {
    }

    /** The candidate that owns {@code partition}; ties (practically impossible) go to the smaller id. */
    public static String owner(Collection<String> candidates, String group, String site, int partition) {
        if (candidates == null || candidates.isEmpty()) {
            throw new IllegalArgumentException("no candidates to own partition " + group + "/" + site + "/" + partition);
        }
        Checks.partition(partition);
        MessageDigest sha = sha256();
        String best = null;
        long bestScore = 0;
        for (String candidate : candidates) {
            Checks.text("candidate", candidate);
            long score = score(sha, candidate, group, site, partition);
            int cmp = best == null ? 1 : Long.compareUnsigned(score, bestScore);
            if (cmp > 0 || (cmp == 0 && candidate.compareTo(best) < 0)) {
                best = candidate;
                bestScore = score;
            }
        }
        return best;
    }

    /** The owner of each of partitions {@code 0 .. partitions-1}. */
    public static Map<Integer, String> place(Collection<String> candidates, String group, String site, int partitions) {
        if (partitions < 0) {
            throw new IllegalArgumentException("partitions was " + partitions + ", must be >= 0");
        }
        Map<Integer, String> placement = new TreeMap<>();
        for (int p = 0; p < partitions; p++) {
            placement.put(p, owner(candidates, group, site, p));
        }
        return placement;
    }

    private static long score(MessageDigest sha, String candidate, String group, String site, int partition) {
        sha.reset();
        // Length-prefixed parts, so ("ab", "c") and ("a", "bc") never hash alike.
        for (String part : new String[] {candidate, group, site}) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
            sha.update(bytes);
        }
        sha.update(ByteBuffer.allocate(4).putInt(partition).array());
        return ByteBuffer.wrap(sha.digest()).getLong();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
