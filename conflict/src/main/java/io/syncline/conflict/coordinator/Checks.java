package io.syncline.conflict.coordinator;

/** Argument checks shared by the coordinator's value types; each message names the field and its value. */
final class Checks {

    private Checks() {
    }

    static String text(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " was " + (value == null ? "null" : "'" + value + "'")
                    + ", must not be blank");
        }
        return value;
    }

    static int partition(int partition) {
        if (partition < 0) {
            throw new IllegalArgumentException("partition was " + partition + ", must be >= 0");
        }
        return partition;
    }

    static long epoch(long epoch) {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch was " + epoch + ", must be >= 1");
        }
        return epoch;
    }

    static void ttl(long ttlMillis, long nowMillis) {
        if (nowMillis < 0) {
            throw new IllegalArgumentException("nowMillis was " + nowMillis + ", must be >= 0");
        }
        if (ttlMillis <= 0 || ttlMillis > Long.MAX_VALUE - nowMillis) {
            throw new IllegalArgumentException("ttlMillis was " + ttlMillis + " at nowMillis " + nowMillis
                    + ", must be > 0 and not overflow the expiry");
        }
    }
}
