package io.syncline.connector.rest;

import io.syncline.connector.config.SynclineConnectorConfig;
import io.syncline.connector.config.SynclineSinkConnectorConfig;
import io.syncline.connector.config.SynclineSourceConnectorConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.connect.health.ConnectClusterState;
import org.apache.kafka.connect.health.ConnectorHealth;
import org.apache.kafka.connect.health.TaskState;

/**
 * The Syncline connectors of the Connect cluster, grouped by site: for each (sync group, site id)
 * its source and sink connectors with their states, and how to reach the site's database (from the
 * sink's config, else the source's). Connectors of other plugins are ignored.
 */
final class SiteDirectory {

    /** Where a site lives, in its connector configs; {@code database} is empty when no config parses. */
    record Site(String group, String site, List<SiteStatus.ConnectorStatus> connectors,
            Optional<SiteDatabase> database, String configProblem, Optional<SiteKeys> keys) {

        Site(String group, String site, List<SiteStatus.ConnectorStatus> connectors, Optional<SiteDatabase> database,
                String configProblem) {
            this(group, site, connectors, database, configProblem, Optional.empty());
        }

        String id() {
            return group + "/" + site;
        }
    }

    private final ConnectClusterState cluster;
    private final ConnectorOffsets connectorOffsets;

    SiteDirectory(ConnectClusterState cluster) {
        this(cluster, null);
    }

    /** @param connectorOffsets where MariaDB captures' binlog positions are read; null for none */
    SiteDirectory(ConnectClusterState cluster, ConnectorOffsets connectorOffsets) {
        this.cluster = cluster;
        this.connectorOffsets = connectorOffsets;
    }

    /** Every site with a Syncline connector, ordered by group then site id; {@code group} null for all. */
    List<Site> sites(String group) {
        Map<String, Builder> byId = new TreeMap<>();
        for (String name : cluster.connectors()) {
            Map<String, String> config;
            try {
                config = cluster.connectorConfig(name);
            } catch (RuntimeException e) {
                continue; // deleted while we looked
            }
            String kind = kind(config.get("connector.class"));
            String siteGroup = config.get(SynclineConnectorConfig.SYNC_GROUP);
            String siteId = config.get(SynclineConnectorConfig.SITE_ID);
            if (kind == null || siteGroup == null || siteId == null || (group != null && !group.equals(siteGroup))) {
                continue;
            }
            Builder site = byId.computeIfAbsent(siteGroup + "/" + siteId, k -> new Builder(siteGroup, siteId));
            site.connectors.add(status(name, kind));
            if (kind.equals("sink")) {
                site.sinkConfig = withName(config, name);
            } else {
                site.sourceConfig = withName(config, name);
            }
        }
        List<Site> sites = new ArrayList<>();
        for (Builder b : byId.values()) {
            sites.add(b.build(connectorOffsets));
        }
        return sites;
    }

    /** One site found by its id, or why it was not: exactly one of the two is set. */
    record Lookup(Site site, String problem) {
    }

    /** The one site {@code siteId} (of {@code group}, null for any), or why there is not exactly one. */
    Lookup one(String group, String siteId) {
        List<Site> matching = sites(group).stream().filter(s -> s.site().equals(siteId)).toList();
        if (matching.size() == 1) {
            return new Lookup(matching.get(0), null);
        }
        return new Lookup(null, matching.isEmpty() ? "no site '" + siteId + "' on this worker"
                : "site '" + siteId + "' is in several groups; add ?group=");
    }

    /** {@code sink}, {@code source}, or null for a connector that is not Syncline's. */
    static String kind(String connectorClass) {
        if (connectorClass == null) {
            return null;
        }
        if (connectorClass.endsWith("SynclineSinkConnector")) {
            return "sink";
        }
        if (connectorClass.endsWith("SynclineSourceConnector")) {
            return "source";
        }
        return null;
    }

    private SiteStatus.ConnectorStatus status(String name, String kind) {
        ConnectorHealth health;
        try {
            health = cluster.connectorHealth(name);
        } catch (RuntimeException e) {
            return new SiteStatus.ConnectorStatus(name, kind, "UNKNOWN", null, firstLine(e.getMessage()), List.of());
        }
        List<SiteStatus.TaskStatus> tasks = new ArrayList<>();
        for (TaskState task : new TreeMap<>(health.tasksState()).values()) {
            tasks.add(new SiteStatus.TaskStatus(task.taskId(), task.state(), task.workerId(),
                    firstLine(task.traceMessage())));
        }
        return new SiteStatus.ConnectorStatus(name, kind, health.connectorState().state(),
                health.connectorState().workerId(), firstLine(health.connectorState().traceMessage()), tasks);
    }

    /** The first line of a stack trace: the exception and its message, enough to say what failed. */
    static String firstLine(String trace) {
        if (trace == null || trace.isBlank()) {
            return null;
        }
        int newline = trace.indexOf('\n');
        String line = (newline < 0 ? trace : trace.substring(0, newline)).trim();
        return line.length() > 500 ? line.substring(0, 500) + "..." : line;
    }

    private static Map<String, String> withName(Map<String, String> config, String name) {
        Map<String, String> copy = new LinkedHashMap<>(config);
        copy.putIfAbsent("name", name);
        return copy;
    }

    private static final class Builder {
        final String group;
        final String site;
        final List<SiteStatus.ConnectorStatus> connectors = new ArrayList<>();
        Map<String, String> sinkConfig;
        Map<String, String> sourceConfig;

        Builder(String group, String site) {
            this.group = group;
            this.site = site;
        }

        Site build(ConnectorOffsets connectorOffsets) {
            connectors.sort(Comparator.comparing((SiteStatus.ConnectorStatus c) -> c.type().equals("source") ? 0 : 1)
                    .thenComparing(SiteStatus.ConnectorStatus::name));
            SynclineSinkConnectorConfig sink = null;
            SynclineSourceConnectorConfig source = null;
            List<String> problems = new ArrayList<>();
            if (sinkConfig != null) {
                try {
                    sink = new SynclineSinkConnectorConfig(sinkConfig);
                } catch (RuntimeException e) {
                    problems.add("the sink config is not valid: " + e.getMessage());
                }
            }
            if (sourceConfig != null) {
                try {
                    source = new SynclineSourceConnectorConfig(sourceConfig);
                } catch (RuntimeException e) {
                    problems.add("the source config is not valid: " + e.getMessage());
                }
            }
            SynclineConnectorConfig database = sink != null ? sink : source;
            Optional<SiteDatabase> db = database == null ? Optional.empty()
                    : Optional.of(SiteDatabase.of(database,
                            sink == null ? null : sinkConfig.get("name"),
                            sink != null && sink.ledgerEnabled(),
                            source == null ? null : new SiteDatabase.Capture(source.slotName(),
                                    sourceConfig.get("name"), source.walWarnRetainedBytes()),
                            connectorOffsets));
            Optional<SiteKeys> keys = source == null ? Optional.empty() : keysOf(source);
            return new Site(group, site, List.copyOf(connectors), db,
                    problems.isEmpty() ? null : String.join("; ", problems), keys);
        }

        private static Optional<SiteKeys> keysOf(SynclineSourceConnectorConfig source) {
            try {
                return source.keyPlan().map(plan -> new SiteKeys(source.engine(), source.tables(), plan));
            } catch (RuntimeException e) {
                return Optional.empty(); // keys.site.offset above keys.step: the connector itself says so
            }
        }
    }
}
