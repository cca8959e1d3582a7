package io.syncline.tools.standalone;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * The part of Connect's runtime a sink task talks to: its requests (seek, pause, resume, commit)
 * are collected here and carried out by the apply loop on the consumer's thread, the way
 * Connect's worker does after {@code open} and {@code put}.
 */
final class StandaloneSinkContext implements SinkTaskContext {

    private final Map<String, String> configs;
    private final ErrantRecordReporter reporter;
    private final PluginMetrics metrics;
    private final Map<TopicPartition, Long> seeks = new HashMap<>();
    private final Set<TopicPartition> toPause = new LinkedHashSet<>();
    private final Set<TopicPartition> toResume = new LinkedHashSet<>();
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile boolean commitRequested;

    /** @param reporter null unless errors.tolerance=all, as in Connect */
    StandaloneSinkContext(Map<String, String> configs, ErrantRecordReporter reporter, PluginMetrics metrics) {
        this.configs = Collections.unmodifiableMap(new HashMap<>(configs));
        this.reporter = reporter;
        this.metrics = metrics;
    }

    @Override
    public Map<String, String> configs() {
        return configs;
    }

    @Override
    public synchronized void offset(Map<TopicPartition, Long> offsets) {
        seeks.putAll(offsets);
    }

    @Override
    public synchronized void offset(TopicPartition tp, long offset) {
        seeks.put(tp, offset);
    }

    @Override
    public void timeout(long timeoutMs) {
        // The apply loop retries a refused batch after its own backoff.
    }

    @Override
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    @Override
    public synchronized void pause(TopicPartition... partitions) {
        for (TopicPartition tp : partitions) {
            toResume.remove(tp);
            toPause.add(tp);
        }
    }

    @Override
    public synchronized void resume(TopicPartition... partitions) {
        for (TopicPartition tp : partitions) {
            toPause.remove(tp);
            toResume.add(tp);
        }
    }

    @Override
    public void requestCommit() {
        commitRequested = true;
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        return reporter;
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return metrics;
    }

    void assignment(Set<TopicPartition> partitions) {
        assignment = Set.copyOf(partitions);
    }

    /** The seeks asked for since the last call. */
    synchronized Map<TopicPartition, Long> takeSeeks() {
        Map<TopicPartition, Long> taken = new HashMap<>(seeks);
        seeks.clear();
        return taken;
    }

    synchronized Set<TopicPartition> takePauses() {
        Set<TopicPartition> taken = new LinkedHashSet<>(toPause);
        toPause.clear();
        return taken;
    }

    synchronized Set<TopicPartition> takeResumes() {
        Set<TopicPartition> taken = new LinkedHashSet<>(toResume);
        toResume.clear();
        return taken;
    }

    boolean takeCommitRequest() {
        boolean requested = commitRequested;
        commitRequested = false;
        return requested;
    }
}
