package io.syncline.core.apply;

import java.util.Objects;

/**
 * The next offset to consume from one Kafka partition, stored in the site's database in the same
 * transaction as the rows, together with the lease epoch of the writer storing it.
 */
public record OffsetUpdate(String consumer, String topic, int partition, long nextOffset, long epoch) {

    public OffsetUpdate {
        Objects.requireNonNull(consumer, "consumer");
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition was " + partition + ", must be >= 0");
        }
        if (nextOffset < 0) {
            throw new IllegalArgumentException("next offset was " + nextOffset + ", must be >= 0");
        }
    }
}
