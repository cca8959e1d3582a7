package io.syncline.connector.deadletter;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** Reads a whole topic from its start to the end it had when the scan began, within a deadline. */
final class TopicScan {

    private TopicScan() {
    }

    /**
     * Hands every record up to the current end to {@code each}.
     *
     * @return false when the topic does not exist
     * @throws IllegalStateException when the end is not reached within {@code deadline}
     */
    static boolean scan(KafkaConsumer<byte[], byte[]> consumer, String topic, Duration deadline,
            Consumer<ConsumerRecord<byte[], byte[]>> each) {
        List<PartitionInfo> infos = consumer.listTopics(Duration.ofSeconds(30)).get(topic);
        if (infos == null || infos.isEmpty()) {
            return false;
        }
        List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long until = System.nanoTime() + deadline.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() - until > 0) {
                throw new IllegalStateException("topic " + topic + " was not read to its end within "
                        + deadline.toSeconds() + " s; is the broker overloaded? Try again");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    each.accept(r);
                }
            }
        }
        return true;
    }
}
