package io.syncline.connector.rest;

import io.syncline.connector.deadletter.KafkaSettings;
import io.syncline.core.SyncGroupNames;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code GET /syncline/backlog[?group=G]}: per sync group, the end offset of every partition of its
 * changes topic. With the offsets each site stored with its rows ({@code /syncline/status}) this gives
 * how many events a site has yet to apply; the console shows it as the lag in events.
 */
@Path("/syncline/backlog")
@Produces(MediaType.APPLICATION_JSON)
public class BacklogResource {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final SiteDirectory directory;
    private final KafkaSettings kafka;

    BacklogResource(SiteDirectory directory, KafkaSettings kafka) {
        this.directory = directory;
        this.kafka = kafka;
    }

    @GET
    public Response backlog(@QueryParam("group") String group) {
        if (kafka == null) {
            return Responses.unavailable("this worker's config names no bootstrap.servers; the backlog is unknown");
        }
        TreeSet<String> groups = new TreeSet<>();
        try {
            directory.sites(StatusResource.blankToNull(group)).forEach(s -> groups.add(s.group()));
        } catch (RuntimeException e) {
            return Responses.unavailable("the worker cannot list its connectors now (" + e.getMessage()
                    + "); try again in a few seconds");
        }
        Map<String, Object> byGroup = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer())) {
            for (String g : groups) {
                String topic = SyncGroupNames.of(g).changesTopic();
                List<PartitionInfo> infos = consumer.partitionsFor(topic, DEADLINE);
                Map<String, Long> ends = new TreeMap<>((x, y) -> Integer.compare(Integer.parseInt(x), Integer.parseInt(y)));
                if (infos != null && !infos.isEmpty()) {
                    List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
                    consumer.endOffsets(partitions, DEADLINE).forEach((tp, end) -> ends.put(
                            Integer.toString(tp.partition()), end));
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("topic", topic);
                entry.put("endOffsets", ends);
                entry.put("endOffsetsSum", ends.values().stream().mapToLong(Long::longValue).sum());
                byGroup.put(g, entry);
            }
        } catch (RuntimeException e) {
            return Responses.unavailable("Kafka at " + kafka.bootstrapServers() + " did not answer: " + e.getMessage());
        }
        return Response.ok(Map.of("groups", byGroup)).build();
    }
}
