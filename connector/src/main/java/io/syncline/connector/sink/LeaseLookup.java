package io.syncline.connector.sink;

import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;

/** Which partitions a sink task may write now, and with which epoch ({@link PartitionLeases} answers). */
@FunctionalInterface
interface LeaseLookup {

    /** The epoch to write the partition with, or empty when the task may not write it now. */
    OptionalLong epoch(TopicPartition partition);
}
