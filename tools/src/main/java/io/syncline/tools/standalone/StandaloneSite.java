package io.syncline.tools.standalone;

import io.syncline.connector.config.SiteInstallation;
import io.syncline.connector.config.SynclineSinkConnectorConfig;
import io.syncline.core.site.PostgresSiteInstaller;
import io.syncline.core.site.SiteSetupException;
import io.syncline.core.site.TableRef;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One site's capture and apply without Kafka Connect, against an existing Kafka: the site's
 * {@code SynclineSourceConnector} on Debezium's embedded engine feeding a producer, and a consumer
 * feeding a {@code SynclineSinkTask}. The same protocol as under Connect: a change reaches the
 * replication slot's confirmed position only once Kafka has it, and the apply stores its offsets
 * in the site's database with the rows.
 *
 * <pre>{@code
 * try (StandaloneSite site = StandaloneSite.start(StandaloneConfig.load(Path.of("east.json")))) {
 *     Optional<Throwable> failure = site.awaitTermination();   // until close() or a failure
 * }
 * }</pre>
 */
public final class StandaloneSite implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneSite.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(15);

    private final StandaloneConfig config;
    private final SiteCapture capture;
    private final SiteApply apply;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    private StandaloneSite(StandaloneConfig config) {
        this.config = config;
        this.capture = new SiteCapture(config, this::failed);
        this.apply = new SiteApply(config, this::failed, Clock.systemUTC());
    }

    /**
     * Checks that Kafka and the site's database answer, creates the group's topics if missing,
     * installs Syncline's objects at the site, then starts the apply and the capture.
     *
     * @throws SiteUnreachableException when Kafka or the database cannot be reached
     * @throws StandaloneConfigException when the database refuses the settings (login, database,
     *     a table that cannot be synced)
     * @throws ConnectException when the site cannot be run for another reason (the message says why)
     */
    public static StandaloneSite start(StandaloneConfig config) {
        long startedAt = System.nanoTime();
        LOG.info("Starting {}", config);
        checkKafkaAndTopics(config);
        checkDatabase(config);
        StandaloneSite site = new StandaloneSite(config);
        try {
            site.apply.start();
            site.capture.start();
        } catch (RuntimeException e) {
            site.close();
            throw e;
        }
        LOG.info("Site {} of group {} runs standalone (started in {} ms): capture -> {}, {} -> apply", config.siteId(),
                config.syncGroup(), (System.nanoTime() - startedAt) / 1_000_000, config.changesTopic(),
                config.changesTopic());
        return site;
    }

    private static void checkKafkaAndTopics(StandaloneConfig config) {
        Properties props = config.kafkaClient();
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, config.sinkName() + "-admin");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(KAFKA_TIMEOUT.toMillis()));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(KAFKA_TIMEOUT.toMillis()));
        try (Admin admin = Admin.create(props)) {
            try {
                admin.describeCluster().nodes().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                String why = cause instanceof TimeoutException || cause.getMessage() == null
                        ? "no broker answered within " + KAFKA_TIMEOUT.toSeconds() + " s" : cause.getMessage();
                throw new SiteUnreachableException("Kafka at " + config.bootstrapServers() + " is unreachable (" + why
                        + "); check \"kafka\" in the site file and that the brokers run", cause);
            }
            List<NewTopic> topics = new ArrayList<>();
            Optional<Integer> partitions = config.changesPartitions() > 0 ? Optional.of(config.changesPartitions())
                    : Optional.empty();
            Optional<Short> replicas = config.changesReplicationFactor() > 0
                    ? Optional.of(config.changesReplicationFactor()) : Optional.empty();
            topics.add(new NewTopic(config.changesTopic(), partitions, replicas));
            topics.add(new NewTopic(config.conflictsTopic(), partitions, replicas));
            String deadLetters = config.sinkSetting("errors.deadletterqueue.topic.name", "").trim();
            if (!deadLetters.isEmpty()) {
                topics.add(new NewTopic(deadLetters, Optional.empty(), replicas));
            }
            Set<String> existing = admin.listTopics().names().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            for (NewTopic topic : topics) {
                if (existing.contains(topic.name())) {
                    continue;
                }
                try {
                    admin.createTopics(List.of(topic)).all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("Created topic {}", topic.name());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new ConnectException("topic " + topic.name() + " does not exist and cannot be created ("
                                + e.getCause().getMessage() + "); create it, or let this user create topics", e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while checking Kafka", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new SiteUnreachableException("Kafka at " + config.bootstrapServers() + " did not list its topics ("
                    + e.getMessage() + ")", e);
        }
    }

    private static void checkDatabase(StandaloneConfig config) {
        SynclineSinkConnectorConfig site = config.sink();
        String where = site.user() + "@" + site.jdbcUrl();
        try (Connection connection = site.connect()) {
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SHOW wal_level")) {
                rs.next();
                if (!"logical".equals(rs.getString(1))) {
                    throw new ConnectException("the database server of site " + config.siteId() + " runs with "
                            + "wal_level=" + rs.getString(1) + "; capture needs wal_level=logical (set it in "
                            + "postgresql.conf and restart the server)");
                }
            }
            List<String> problems = new ArrayList<>();
            for (TableRef table : site.tables()) {
                try {
                    PostgresSiteInstaller.checkTable(connection, table);
                } catch (SiteSetupException e) {
                    problems.add("table.include.list: " + e.getMessage());
                }
            }
            if (!problems.isEmpty()) {
                throw new StandaloneConfigException("site " + config.siteId(), problems);
            }
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.startsWith("28")) {
                throw new StandaloneConfigException("site " + config.siteId(), List.of("database.user/database.password: "
                        + where + " refused the login: " + e.getMessage()));
            }
            if (state.equals("3D000")) {
                throw new StandaloneConfigException("site " + config.siteId(), List.of("database.dbname: " + e.getMessage()));
            }
            throw new SiteUnreachableException("the database of site " + config.siteId() + " (" + where
                    + ") is unreachable within " + site.connectTimeout().toMillis() + " ms: " + e.getMessage(), e);
        }
        try {
            SiteInstallation.install(site);
            SiteInstallation.installKeys(config.source());
        } catch (RetriableException e) {
            throw new SiteUnreachableException(e.getMessage(), e);
        }
    }

    private void failed(Throwable e) {
        failure.compareAndSet(null, e);
        terminated.countDown();
    }

    /** Blocks until {@link #close()} or until the capture or the apply failed; returns that failure. */
    public Optional<Throwable> awaitTermination() throws InterruptedException {
        terminated.await();
        return Optional.ofNullable(failure.get());
    }

    /** The failure that stopped a part of the site, if one did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Whether the capture's Debezium task is streaming from the replication slot. */
    public boolean isCapturing() {
        return capture.isPolling();
    }

    public StandaloneConfig config() {
        return config;
    }

    /** Stops the capture (flushing its offsets), then the apply; waits for both. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("Stopping site {}", config.siteId());
        capture.stop();
        apply.stop();
        terminated.countDown();
        LOG.info("Site {} stopped", config.siteId());
    }
}
