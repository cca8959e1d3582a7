package io.syncline.core;

import java.util.Locale;
import java.util.Objects;

/**
 * Every name Syncline derives from a sync group (and a site of it): the Kafka topics, the PostgreSQL
 * replication slot and publication, Debezium's topic prefix, the connectors' and the standalone
 * offsets file's default names. They are derived here only, so that the plugin, the standalone mode
 * and the tools always agree on them; a name a user configures explicitly overrides its default
 * where the caller reads it, never here.
 *
 * <pre>{@code
 * SyncGroupNames names = SyncGroupNames.of("orders");
 * names.changesTopic();          // "orders.changes"
 * names.slot("west");            // "syncline_orders_west"
 * names.deadLetterTopic("west"); // "orders.dlq.west"
 * }</pre>
 *
 * <p>A site is given as its id's text: the tools take it from a mesh file or a command line, where
 * it has not been checked as a {@link SiteId}.
 *
 * @param group the sync group's name, as in {@code sync.group}
 */
public record SyncGroupNames(String group) {

    public SyncGroupNames {
        Objects.requireNonNull(group, "group");
        if (group.isEmpty()) {
            throw new IllegalArgumentException("sync group was '', must name the group (it names Kafka topics)");
        }
    }

    public static SyncGroupNames of(String group) {
        return new SyncGroupNames(group);
    }

    /** The topic every site of the group publishes its changes to and applies the others' from. */
    public String changesTopic() {
        return group + ".changes";
    }

    /** The topic every site publishes its conflict log to. */
    public String conflictsTopic() {
        return group + ".conflicts";
    }

    /** The topic a capture's heartbeats go to. */
    public String heartbeatsTopic() {
        return group + ".heartbeats";
    }

    /** The dead-letter topic of a site's sink, as the connector samples name it. */
    public String deadLetterTopic(String site) {
        return group + ".dlq." + requireSite(site);
    }

    /** The topic where a MariaDB site's capture keeps its table definitions. */
    public String schemaHistoryTopic(String site) {
        return group + ".schema-history." + requireSite(site);
    }

    /** Debezium's topic prefix: names the captured site in Debezium's offsets and metrics. */
    public String capturePrefix(String site) {
        return "syncline." + group + "." + requireSite(site);
    }

    /**
     * The default PostgreSQL replication slot of a site's capture: {@code syncline_<group>_<site>} in
     * lower case, every character PostgreSQL does not allow in a slot name replaced by {@code _}.
     */
    public String slot(String site) {
        // Locale.ROOT: in a Turkish locale "I" would become a dotless ı, which the next step turns into "_".
        return ("syncline_" + group + "_" + requireSite(site)).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    /** The default PostgreSQL publication of a site's capture: the same name as its slot. */
    public String publication(String site) {
        return slot(site);
    }

    /** The default name of a site's source connector, as in the samples. */
    public String sourceConnector(String site) {
        return connectorPrefix(site) + "-source";
    }

    /** The default name of a site's sink connector, as in the samples; its offsets are stored under it. */
    public String sinkConnector(String site) {
        return connectorPrefix(site) + "-sink";
    }

    /** The default file of a standalone site's capture offsets, next to its site file. */
    public String offsetsFile(String site) {
        return connectorPrefix(site) + ".offsets";
    }

    private String connectorPrefix(String site) {
        return "syncline-" + group + "-" + requireSite(site);
    }

    private static String requireSite(String site) {
        return Objects.requireNonNull(site, "site");
    }
}
