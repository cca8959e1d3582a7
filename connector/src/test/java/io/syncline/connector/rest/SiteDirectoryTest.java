package io.syncline.connector.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.health.ConnectClusterState;
import org.apache.kafka.connect.health.ConnectorHealth;
import org.apache.kafka.connect.health.ConnectorState;
import org.apache.kafka.connect.health.ConnectorType;
import org.apache.kafka.connect.health.TaskState;
import org.junit.jupiter.api.Test;

class SiteDirectoryTest {

    private static final String SECRET = "s3cr3t-password";

    /** The cluster state of a worker: plain values, as Connect hands them to an extension. */
    private static final class Cluster implements ConnectClusterState {
        final Map<String, Map<String, String>> configs = new LinkedHashMap<>();
        final Map<String, ConnectorHealth> health = new LinkedHashMap<>();

        void add(String name, Map<String, String> config, String state, String... tasks) {
            configs.put(name, config);
            Map<Integer, TaskState> taskStates = new LinkedHashMap<>();
            for (int i = 0; i < tasks.length; i++) {
                taskStates.put(i, new TaskState(i, tasks[i], "w1:8083", tasks[i].equals("FAILED")
                        ? "org.apache.kafka.connect.errors.ConnectException: boom\n\tat x.y(Z.java:1)" : null));
            }
            health.put(name, new ConnectorHealth(name, new ConnectorState(state, "w1:8083", null), taskStates,
                    ConnectorType.SINK));
        }

        @Override
        public List<String> connectors() {
            return List.copyOf(configs.keySet());
        }

        @Override
        public ConnectorHealth connectorHealth(String name) {
            return health.get(name);
        }

        @Override
        public Map<String, String> connectorConfig(String name) {
            return configs.get(name);
        }
    }

    private static Map<String, String> syncline(String kind, String group, String site, String host) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "io.syncline.connector." + kind + ".Syncline" + (kind.equals("sink") ? "Sink" : "Source")
                + "Connector");
        c.put("sync.group", group);
        c.put("site.id", site);
        c.put("table.include.list", "public.items");
        c.put("database.hostname", host);
        c.put("database.port", "5433");
        c.put("database.user", "syncline");
        c.put("database.password", SECRET);
        c.put("database.dbname", "site_" + site);
        return c;
    }

    @Test
    void groupsSynclineConnectorsBySiteAndIgnoresOthers() {
        Cluster cluster = new Cluster();
        cluster.add("orders-b-sink", syncline("sink", "orders", "b", "db-b"), "RUNNING", "FAILED");
        cluster.add("orders-a-sink", syncline("sink", "orders", "a", "db-a"), "RUNNING", "RUNNING");
        cluster.add("orders-a-source", syncline("source", "orders", "a", "db-a"), "RUNNING", "RUNNING");
        cluster.add("mirror", Map.of("connector.class", "org.apache.kafka.connect.mirror.MirrorSourceConnector"),
                "RUNNING", "RUNNING");
        cluster.add("other-a-sink", syncline("sink", "other", "a", "db-x"), "RUNNING", "RUNNING");

        List<SiteDirectory.Site> sites = new SiteDirectory(cluster).sites("orders");

        assertThat(sites).extracting(SiteDirectory.Site::site).containsExactly("a", "b");
        SiteDirectory.Site a = sites.get(0);
        assertThat(a.connectors()).extracting(SiteStatus.ConnectorStatus::name)
                .as("source first").containsExactly("orders-a-source", "orders-a-sink");
        assertThat(a.connectors()).extracting(SiteStatus.ConnectorStatus::type).containsExactly("source", "sink");
        assertThat(a.database()).isPresent();
        assertThat(a.database().get().address()).isEqualTo("db-a:5433/site_a");
        assertThat(a.configProblem()).isNull();
        SiteStatus.TaskStatus failed = sites.get(1).connectors().get(0).tasks().get(0);
        assertThat(failed.state()).isEqualTo("FAILED");
        assertThat(failed.trace()).as("first line only").isEqualTo("org.apache.kafka.connect.errors.ConnectException: boom");

        assertThat(new SiteDirectory(cluster).sites(null)).extracting(SiteDirectory.Site::id)
                .containsExactly("orders/a", "orders/b", "other/a");
    }

    @Test
    void thePasswordIsInNoStringOfASite() {
        Cluster cluster = new Cluster();
        cluster.add("orders-a-sink", syncline("sink", "orders", "a", "db-a"), "RUNNING", "RUNNING");
        SiteDirectory.Site site = new SiteDirectory(cluster).sites(null).get(0);
        assertThat(site.toString()).doesNotContain(SECRET).contains("db-a:5433/site_a");
    }

    @Test
    void aConfigThatDoesNotParseIsAProblemNotAFailure() {
        Cluster cluster = new Cluster();
        Map<String, String> broken = syncline("sink", "orders", "a", "db-a");
        broken.put("database.port", "not-a-port");
        cluster.add("orders-a-sink", broken, "FAILED");
        SiteDirectory.Site site = new SiteDirectory(cluster).sites(null).get(0);
        assertThat(site.database()).isEmpty();
        assertThat(site.configProblem()).contains("the sink config is not valid").contains("database.port");
    }

    @Test
    void recognisesConnectorClassesByName() {
        assertThat(SiteDirectory.kind("io.syncline.connector.sink.SynclineSinkConnector")).isEqualTo("sink");
        assertThat(SiteDirectory.kind("SynclineSourceConnector")).isEqualTo("source");
        assertThat(SiteDirectory.kind("io.debezium.connector.postgresql.PostgresConnector")).isNull();
        assertThat(SiteDirectory.kind(null)).isNull();
    }
}
