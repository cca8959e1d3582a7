package io.syncline.tools.standalone;

import io.debezium.embedded.KafkaConnectUtil;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.KafkaOffsetBackingStore;
import org.apache.kafka.connect.util.SharedTopicAdmin;

/**
 * The capture's offsets in a compacted Kafka topic ({@code "offsets": {"topic": ...}}): Connect's
 * {@link KafkaOffsetBackingStore} with an admin client that gets every Kafka client setting of the
 * site file (security included) and is closed when the store stops. (The engine's own Kafka store
 * passes only {@code bootstrap.servers} to its admin client and leaves it running after a stop.)
 * The engine creates it by class name ({@code offset.storage}), hence the public no-argument
 * constructor.
 */
public final class TopicOffsetStore extends KafkaOffsetBackingStore {

    private final AtomicReference<SharedTopicAdmin> admin;

    public TopicOffsetStore() {
        this(new AtomicReference<>());
    }

    private TopicOffsetStore(AtomicReference<SharedTopicAdmin> admin) {
        super(() -> admin.get().get(), () -> "syncline-standalone-", KafkaConnectUtil.converterForOffsetStore());
        this.admin = admin;
    }

    @Override
    public void configure(WorkerConfig config) {
        Map<String, Object> settings = new HashMap<>();
        config.originals().forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                settings.put(key, value);
            }
        });
        settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "syncline-standalone-offsets-admin");
        admin.set(new SharedTopicAdmin(settings));
        super.configure(config);
    }

    @Override
    public void stop() {
        try {
            super.stop();
        } finally {
            SharedTopicAdmin shared = admin.getAndSet(null);
            if (shared != null) {
                shared.close();
            }
        }
    }
}
