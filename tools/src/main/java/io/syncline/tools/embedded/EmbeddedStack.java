package io.syncline.tools.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncline.conflict.coordinator.CoordinatorCluster;
import io.syncline.conflict.coordinator.CoordinatorTuning;
import io.syncline.connector.config.KeyConfig;
import io.syncline.connector.config.SynclineConnectorConfig;
import io.syncline.connector.config.SynclineSinkConnectorConfig;
import io.syncline.connector.config.SynclineSourceConnectorConfig;
import io.syncline.core.SiteId;
import io.syncline.core.SyncGroupNames;
import io.syncline.core.apply.Engine;
import io.syncline.core.site.PostgresSiteInstaller;
import io.syncline.core.site.SiteJoin;
import io.syncline.core.site.TableRef;
import io.syncline.testkit.ConnectRestClient;
import io.syncline.testkit.ConnectWorkerProcess;
import io.syncline.testkit.Deadlines;
import io.syncline.testkit.EmbeddedConnect;
import io.syncline.testkit.EmbeddedKafka;
import io.syncline.testkit.FileTree;
import io.syncline.testkit.MariaDbServer;
import io.syncline.testkit.PostgresServer;
import io.syncline.testkit.SiteServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole mesh on one machine: a real Kafka broker (KRaft) and a real Connect worker in this
 * JVM, the Syncline plugin on the worker's plugin.path, and one private database server per site.
 * Used by {@code syncline demo}, {@code syncline up} and the integration tests.
 *
 * <pre>{@code
 * try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres"))) {
 *     stack.applySql("CREATE TABLE items (id bigint PRIMARY KEY, name text)");
 *     stack.startSync(List.of("public.items"), Map.of());
 * }
 * }</pre>
 */
public final class EmbeddedStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);
    private static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VERSIONED_POSTGRES = Pattern.compile("postgres(1[3-9]|[2-9][0-9])");

    /**
     * One site: its id, database engine and, for PostgreSQL, the server's major version (0: the
     * newest installed, Debian's).
     */
    public record SiteSpec(String id, Engine engine, int postgresMajor) {
        public SiteSpec {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(engine, "engine");
            SiteId.of(id);
            if (postgresMajor != 0 && (engine != Engine.POSTGRES || postgresMajor < 13)) {
                throw new IllegalArgumentException("site " + id + ": a server version is for PostgreSQL 13 or "
                        + "later, got " + engine.configName() + postgresMajor);
            }
        }

        /** A site with the engine's default server. */
        public SiteSpec(String id, Engine engine) {
            this(id, engine, 0);
        }

        /**
         * A site whose engine is given by its configuration name, e.g. {@code mariadb}, or
         * {@code postgres17} for a PostgreSQL site of that major version.
         */
        public static SiteSpec of(String id, String engine) {
            Objects.requireNonNull(id, "id");
            SiteId.of(id);
            Matcher versioned = VERSIONED_POSTGRES.matcher(engine);
            if (versioned.matches()) {
                return new SiteSpec(id, Engine.POSTGRES, Integer.parseInt(versioned.group(1)));
            }
            try {
                return new SiteSpec(id, Engine.of(engine));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("site " + id + " has engine '" + engine
                        + "'; this build runs postgres (postgres15, postgres16, postgres17: that server version) "
                        + "and mariadb sites", e);
            }
        }

        /** Parses {@code a:postgres,b:postgres} (engine defaults to postgres). */
        public static List<SiteSpec> parseList(String text) {
            List<SiteSpec> sites = new ArrayList<>();
            for (String part : text.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int colon = p.indexOf(':');
                sites.add(colon < 0 ? new SiteSpec(p, Engine.POSTGRES)
                        : of(p.substring(0, colon), p.substring(colon + 1)));
            }
            if (sites.isEmpty()) {
                throw new IllegalArgumentException("--sites names no site; use e.g. a:postgres,b:postgres");
            }
            if (sites.stream().map(SiteSpec::id).distinct().count() != sites.size()) {
                throw new IllegalArgumentException("--sites names a site twice: " + text);
            }
            return sites;
        }
    }

    /**
     * What to start.
     *
     * @param sites the sites, at least one
     * @param group the sync group name
     * @param partitions partitions of the changes topic
     * @param pluginPath the folder that holds the built plugin folder (the worker's plugin.path)
     * @param configSamples the folder of connector JSON samples registered by {@link #startSync}
     * @param coordinators Raft coordinator peers (0: none)
     * @param workers 0: the broker, one Connect worker and the coordinator peers run in this JVM; N: the
     *     broker, N Connect workers (one Connect cluster) and each coordinator peer run as separate
     *     processes that can be killed, paused and restarted
     */
    public record Options(List<SiteSpec> sites, String group, int partitions, Path pluginPath, Path configSamples,
            int coordinators, int workers) {
        public Options {
            sites = List.copyOf(sites);
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions was " + partitions + ", must be >= 1");
            }
            if (coordinators < 0 || coordinators > 7) {
                throw new IllegalArgumentException("coordinators was " + coordinators + ", must be between 0 and 7");
            }
            if (workers < 0 || workers > 8) {
                throw new IllegalArgumentException("workers was " + workers + ", must be between 0 and 8");
            }
        }

        public Options(List<SiteSpec> sites, String group, int partitions, Path pluginPath, Path configSamples,
                int coordinators) {
            this(sites, group, partitions, pluginPath, configSamples, coordinators, 0);
        }

        public Options(List<SiteSpec> sites, String group, int partitions, Path pluginPath, Path configSamples) {
            this(sites, group, partitions, pluginPath, configSamples, 0);
        }

        /** With a Raft coordinator of {@code peers} peers (0: none). */
        public Options withCoordinators(int peers) {
            return new Options(sites, group, partitions, pluginPath, configSamples, peers, workers);
        }

        /** With the broker, {@code count} Connect workers and the coordinator peers as separate processes. */
        public Options withWorkerProcesses(int count) {
            return new Options(sites, group, partitions, pluginPath, configSamples, coordinators, count);
        }

        /** Defaults: group {@code demo}, 4 partitions, paths from system properties. */
        public static Options sites(String sites) {
            return new Options(SiteSpec.parseList(sites), "demo", 4, defaultPluginPath(), defaultConfigSamples());
        }

        /** With {@code count} partitions of the changes topic. */
        public Options withPartitions(int count) {
            return new Options(sites, group, count, pluginPath, configSamples, coordinators, workers);
        }

        public Options withGroup(String newGroup) {
            return new Options(sites, newGroup, partitions, pluginPath, configSamples, coordinators, workers);
        }
    }

    private final Options options;
    private final Path workDir;
    private final EmbeddedKafka kafka;
    private final EmbeddedConnect connect;
    private final Map<String, SiteServer> sites;
    private final CoordinatorCluster coordinator;
    private final ProcessParts processes;
    private final Duration startupTime;
    private final List<String> tables = new ArrayList<>();
    /** The same map as {@link #sites}, writable: {@link #joinSite} adds to it. */
    private final Map<String, SiteServer> siteServers;
    /** The sink settings of {@link #startSync}, for sites that join later. */
    private final Map<String, String> syncSinkSettings = new LinkedHashMap<>();
    /** The source settings of {@link #startSync}, for sites that join later. */
    private final Map<String, String> syncSourceSettings = new LinkedHashMap<>();

    private EmbeddedStack(Options options, Path workDir, EmbeddedKafka kafka, EmbeddedConnect connect,
            Map<String, SiteServer> sites, CoordinatorCluster coordinator, ProcessParts processes,
            Duration startupTime) {
        this.options = options;
        this.processes = processes;
        this.coordinator = coordinator;
        this.workDir = workDir;
        this.kafka = kafka;
        this.connect = connect;
        this.sites = Collections.unmodifiableMap(sites);
        this.siteServers = sites;
        this.startupTime = startupTime;
    }

    /** The plugin.path: {@code -Dsyncline.plugin.path}, else {@code connector/target/syncline-connect-*}. */
    public static Path defaultPluginPath() {
        String configured = System.getProperty("syncline.plugin.path");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path target = Path.of("connector", "target");
        try (var children = Files.list(target)) {
            return children.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("syncline-connect-"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no built plugin under " + target.toAbsolutePath()
                            + "; build it with 'mvn -B package -DskipTests' or set -Dsyncline.plugin.path"));
        } catch (IOException e) {
            throw new IllegalStateException("no built plugin under " + target.toAbsolutePath()
                    + "; build it with 'mvn -B package -DskipTests' or set -Dsyncline.plugin.path", e);
        }
    }

    /** The connector samples: {@code -Dsyncline.config.samples}, else {@code ./config-samples}. */
    public static Path defaultConfigSamples() {
        String configured = System.getProperty("syncline.config.samples");
        return configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("config-samples");
    }

    /** Starts the broker and the database servers in parallel, then the worker. */
    public static EmbeddedStack start(Options options) {
        return start(options, Map.of());
    }

    /**
     * Like {@link #start(Options)}, with worker settings that replace the stack's (e.g. a
     * {@code plugin.path} that also lists other plugins, for {@code syncline bench}).
     */
    public static EmbeddedStack start(Options options, Map<String, String> workerSettings) {
        long startedAt = System.nanoTime();
        Path workDir;
        try {
            // Readable by others: the database servers run as their own OS user below it.
            workDir = Files.createTempDirectory("syncline-stack-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work folder for the embedded stack", e);
        }
        ExecutorService pool = Executors.newFixedThreadPool(options.sites().size() + 2);
        boolean processMode = options.workers() > 0;
        Path logDir = ProcessParts.logDir(workDir);
        CompletableFuture<EmbeddedKafka> kafkaFuture = CompletableFuture.supplyAsync(() -> processMode
                ? EmbeddedKafka.startProcess(workDir.resolve("kafka"), logDir)
                : EmbeddedKafka.start(workDir.resolve("kafka")), pool);
        Map<String, CompletableFuture<SiteServer>> siteFutures = new LinkedHashMap<>();
        int keyStep = keyStep(options);
        for (SiteSpec site : options.sites()) {
            int slot = options.sites().indexOf(site) + 1;
            siteFutures.put(site.id(), CompletableFuture.supplyAsync(() -> startSite(workDir, site, keyStep, slot),
                    pool));
        }
        CompletableFuture<CoordinatorProcesses> peerProcessesFuture = !processMode || options.coordinators() == 0
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> CoordinatorProcesses.start(options.coordinators(),
                        workDir.resolve("coordinator"), logDir), pool);
        CompletableFuture<CoordinatorCluster> coordinatorFuture = options.coordinators() == 0 || processMode
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> CoordinatorCluster.start(options.coordinators(),
                        workDir.resolve("coordinator"), CoordinatorTuning.fast()), pool);
        EmbeddedKafka kafka = null;
        EmbeddedConnect connect = null;
        CoordinatorCluster coordinator = null;
        ProcessParts processes = null;
        CoordinatorProcesses peerProcesses = null;
        Map<String, SiteServer> sites = new LinkedHashMap<>();
        try {
            List<RuntimeException> failures = new ArrayList<>();
            for (Map.Entry<String, CompletableFuture<SiteServer>> entry : siteFutures.entrySet()) {
                try {
                    sites.put(entry.getKey(), entry.getValue().join());
                } catch (CompletionException e) {
                    failures.add(new IllegalStateException("site " + entry.getKey() + " did not start: "
                            + e.getCause().getMessage(), e.getCause()));
                }
            }
            try {
                kafka = kafkaFuture.join();
            } catch (CompletionException e) {
                failures.add(new IllegalStateException("the Kafka broker did not start: " + e.getCause().getMessage(),
                        e.getCause()));
            }
            try {
                coordinator = coordinatorFuture.join();
                peerProcesses = peerProcessesFuture.join();
            } catch (CompletionException e) {
                failures.add(new IllegalStateException("the coordinator did not start: " + e.getCause().getMessage(),
                        e.getCause()));
            }
            if (!failures.isEmpty()) {
                throw failures.get(0);
            }
            Map<String, String> workerOverrides = new LinkedHashMap<>();
            workerOverrides.put("rest.extension.classes", "io.syncline.connector.rest.SynclineRestExtension");
            workerOverrides.put("connector.client.config.override.policy", "All");
            if (coordinator != null) {
                workerOverrides.put("syncline.coordinator.peers", coordinator.peersSpec());
            }
            if (peerProcesses != null) {
                workerOverrides.put("syncline.coordinator.peers", peerProcesses.peersSpec());
            }
            workerOverrides.putAll(workerSettings);
            if (processMode) {
                processes = ProcessParts.start(options.workers(), kafka, peerProcesses, options.pluginPath(),
                        workerOverrides, workDir, logDir);
            } else {
                connect = EmbeddedConnect.start(kafka.bootstrapServers(), options.pluginPath(), workerOverrides);
            }
            kafka.createTopic(SyncGroupNames.of(options.group()).changesTopic(), options.partitions());
            Duration took = Duration.ofNanos(System.nanoTime() - startedAt);
            LOG.info("Embedded stack up in {} ms: Kafka {}, Connect {}, sites {}", took.toMillis(),
                    kafka.bootstrapServers(), connect != null ? connect.restUrl() : processes.restUrls(),
                    sites.keySet());
            return new EmbeddedStack(options, workDir, kafka, connect, sites, coordinator, processes, took);
        } catch (RuntimeException e) {
            closeQuietly(peerProcesses);
            closeAll(processes, connect, kafka, coordinator, sites, workDir);
            throw e;
        } finally {
            pool.shutdown();
        }
    }

    /**
     * A MariaDB site holds the synced tables in database {@code public}, so a table {@code public.t}
     * has the same name at PostgreSQL and MariaDB sites. Its server starts with the site's
     * AUTO_INCREMENT pattern, as the server's config file of a real site carries it.
     */
    private static SiteServer startSite(Path workDir, SiteSpec site, int keyStep, int keySlot) {
        Path dir = workDir.resolve("site-" + site.id());
        return site.engine() == Engine.MARIADB
                ? MariaDbServer.start(dir, "public", MariaDbServer.nextServerId(), List.of(
                        "--auto-increment-increment=" + keyStep, "--auto-increment-offset=" + keySlot))
                : PostgresServer.start(dir, "site_" + site.id(), site.postgresMajor());
    }

    /**
     * The mesh's {@code keys.step}: 16 (the default), or more for a stack of more sites, with room
     * for as many sites again to join.
     */
    private static int keyStep(Options options) {
        return Math.max(16, 2 * options.sites().size());
    }

    /** A site's {@code keys.site.offset}: its position in the stack, from 1. */
    private int keySlot(String siteId) {
        int slot = new ArrayList<>(siteServers.keySet()).indexOf(siteId) + 1;
        if (slot < 1 || slot > keyStep(options)) {
            throw new IllegalStateException("site " + siteId + " has no key slot: a stack started with "
                    + options.sites().size() + " sites has " + keyStep(options) + " key slots");
        }
        return slot;
    }

    /** Runs one SQL script at the PostgreSQL sites and another at the MariaDB sites. */
    public void applySql(String postgresSql, String mariaDbSql) {
        for (Map.Entry<String, SiteServer> site : sites.entrySet()) {
            boolean mariaDb = Engine.of(site.getValue().engine()) == Engine.MARIADB;
            try (Connection c = site.getValue().connect(); Statement st = c.createStatement()) {
                if (!mariaDb) {
                    st.execute(postgresSql);
                    continue;
                }
                for (String statement : mariaDbSql.split(";\\s*(\\n|$)")) {
                    if (!statement.isBlank()) {
                        st.execute(statement);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("the schema failed at site " + site.getKey() + ": " + e.getMessage(), e);
            }
        }
    }

    public Duration startupTime() {
        return startupTime;
    }

    public String group() {
        return options.group();
    }

    public String changesTopic() {
        return SyncGroupNames.of(options.group()).changesTopic();
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    /** The in-process coordinator peers, or empty when started without. */
    public Optional<CoordinatorCluster> coordinator() {
        return Optional.ofNullable(coordinator);
    }

    /**
     * The in-process Connect worker.
     *
     * @throws IllegalStateException when the workers run as processes (see {@link #workerProcesses()})
     */
    public EmbeddedConnect connect() {
        if (connect == null) {
            throw new IllegalStateException("the Connect workers run as processes; use workerProcesses() or restUrl()");
        }
        return connect;
    }

    /** A client for the REST API of the Connect cluster (in process mode: a worker that runs and is not paused). */
    public ConnectRestClient rest() {
        return connect != null ? connect.restClient() : processes.liveWorker().restClient();
    }

    /** The base URL of a Connect worker's REST API (in process mode: one that runs and is not paused). */
    public String restUrl() {
        return rest().baseUrl();
    }

    /** The Connect workers running as processes; empty when the worker runs in this JVM. */
    public List<ConnectWorkerProcess> workerProcesses() {
        return processes == null ? List.of() : processes.workers();
    }

    /** The coordinator peers running as processes, or empty. */
    public Optional<CoordinatorProcesses> coordinatorProcesses() {
        return Optional.ofNullable(processes).map(ProcessParts::coordinator);
    }

    /** The coordinator's peers as {@code n1=host:port,...}, or empty when started without a coordinator. */
    public Optional<String> coordinatorPeers() {
        if (coordinator != null) {
            return Optional.of(coordinator.peersSpec());
        }
        return coordinatorProcesses().map(CoordinatorProcesses::peersSpec);
    }

    /** The sites by id, in the order they were given. */
    public Map<String, SiteServer> sites() {
        return sites;
    }

    public SiteServer site(String id) {
        SiteServer server = sites.get(id);
        if (server == null) {
            throw new IllegalArgumentException("no site '" + id + "' in this stack; sites are " + sites.keySet());
        }
        return server;
    }

    /**
     * Runs a SQL script (e.g. the schema) at every site; at a MariaDB site statement by statement
     * (each ending with {@code ;} at the end of a line), so the script must suit both engines.
     */
    public void applySql(String sql) {
        applySql(sql, sql);
    }

    /** The placeholder values of a site for the connector samples. */
    public Map<String, String> templateValues(String siteId, List<String> tableNames) {
        SiteServer server = site(siteId);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("group", options.group());
        values.put("site", siteId);
        values.put("tables", String.join(",", tableNames));
        values.put("host", server.host());
        values.put("port", Integer.toString(server.port()));
        values.put("database", server.database());
        values.put("user", server.user());
        values.put("password", server.password());
        return values;
    }

    public ConnectorTemplate sourceConnector(String siteId, List<String> tableNames) {
        ConnectorTemplate source = ConnectorTemplate.load(options.configSamples().resolve("postgres-source.json"),
                templateValues(siteId, tableNames)).with(Map.of(KeyConfig.KEYS_STEP, Integer.toString(keyStep(options)),
                        KeyConfig.KEYS_SITE_OFFSET, Integer.toString(keySlot(siteId))));
        if (engine(siteId) != Engine.MARIADB) {
            return source;
        }
        return source.with(Map.of(SynclineConnectorConfig.DATABASE_ENGINE, Engine.MARIADB.configName(),
                "schema.history.kafka.bootstrap.servers", kafka.bootstrapServers()));
    }

    public ConnectorTemplate sinkConnector(String siteId, List<String> tableNames) {
        ConnectorTemplate sink = ConnectorTemplate.load(options.configSamples().resolve("postgres-sink.json"),
                templateValues(siteId, tableNames));
        return engine(siteId) == Engine.MARIADB
                ? sink.with(Map.of(SynclineConnectorConfig.DATABASE_ENGINE, Engine.MARIADB.configName())) : sink;
    }

    /** The engine of a site of this stack. */
    private Engine engine(String siteId) {
        return Engine.of(site(siteId).engine());
    }

    /**
     * Registers a source and a sink connector per site through the REST API, from the samples,
     * and waits until all run and every site's capture is streaming.
     *
     * @return the names of the connectors registered, sources and sinks
     */
    public List<String> startSync(List<String> tableNames, Map<String, String> sinkOverrides) {
        return startSync(tableNames, sinkOverrides, Map.of());
    }

    /** Like {@link #startSync(List, Map)}, with extra sink settings for some sites. */
    public List<String> startSync(List<String> tableNames, Map<String, String> sinkOverrides,
            Map<String, Map<String, String>> perSiteSinkOverrides) {
        return startSync(tableNames, sinkOverrides, perSiteSinkOverrides, Map.of());
    }

    /**
     * Like {@link #startSync(List, Map, Map)}, with extra settings for every source connector (e.g.
     * {@code keys.kind=coordinator-blocks}; the coordinator's peers are set for them as for the sinks).
     */
    public List<String> startSync(List<String> tableNames, Map<String, String> sinkOverrides,
            Map<String, Map<String, String>> perSiteSinkOverrides, Map<String, String> sourceOverrides) {
        long startedAt = System.nanoTime();
        List<String> names = new ArrayList<>();
        Map<String, String> sinkSettings = new LinkedHashMap<>();
        coordinatorPeers().ifPresent(peers -> sinkSettings.put("coordinator.peers", peers));
        sinkSettings.putAll(sinkOverrides);
        syncSinkSettings.putAll(sinkSettings);
        coordinatorPeers().ifPresent(peers -> syncSourceSettings.put(KeyConfig.COORDINATOR_PEERS, peers));
        syncSourceSettings.putAll(sourceOverrides);
        for (String siteId : sites.keySet()) {
            ConnectorTemplate source = sourceConnector(siteId, tableNames).with(syncSourceSettings);
            ConnectorTemplate sink = sinkConnector(siteId, tableNames).with(sinkSettings)
                    .with(perSiteSinkOverrides.getOrDefault(siteId, Map.of()));
            rest().putConnectorConfig(source.name(), source.config());
            rest().putConnectorConfig(sink.name(), sink.config());
            names.add(source.name());
            names.add(sink.name());
        }
        for (String name : names) {
            rest().awaitRunning(name, RUNNING_TIMEOUT);
        }
        for (String siteId : sites.keySet()) {
            awaitCaptureStreaming(siteId, tableNames);
        }
        tables.addAll(tableNames);
        LOG.info("Sync of {} running at {} sites in {} ms", tableNames, sites.size(),
                (System.nanoTime() - startedAt) / 1_000_000);
        return List.copyOf(names);
    }

    /**
     * Adds a site to the running mesh without stopping the others: starts its database, creates
     * {@code schemaSql} there, installs Syncline, seeds it from one consistent snapshot of
     * {@code donor} ({@link SiteJoin}: rows, vectors, tombstones, and the changes-topic offsets the
     * donor had applied), then registers its source and sink connectors; the sink catches up from
     * the donor's offsets. Call after {@link #startSync}.
     */
    public SiteJoin.Result joinSite(String siteId, String schemaSql, String donor) {
        new SiteSpec(siteId, Engine.POSTGRES);
        if (sites.containsKey(siteId)) {
            throw new IllegalArgumentException("site " + siteId + " is already in this stack");
        }
        site(donor);
        PostgresServer server = PostgresServer.start(workDir.resolve("site-" + siteId), "site_" + siteId);
        siteServers.put(siteId, server);
        List<TableRef> refs = tables.stream().map(TableRef::parse).toList();
        ConnectorTemplate source = sourceConnector(siteId, tables).with(syncSourceSettings);
        ConnectorTemplate sink = sinkConnector(siteId, tables).with(syncSinkSettings);
        SiteJoin.Result result;
        try (Connection target = server.connect(); Connection from = site(donor).connect()) {
            try (Statement st = target.createStatement()) {
                st.execute(schemaSql);
            }
            new PostgresSiteInstaller(SiteId.of(siteId), group()).install(target, refs,
                    new SynclineSinkConnectorConfig(sink.config()).trackingOptions());
            result = new SiteJoin(SiteId.of(siteId), changesTopic(), sink.name()).copy(from, target, refs);
        } catch (SQLException e) {
            throw new IllegalStateException("site " + siteId + " could not be seeded from " + donor + ": "
                    + e.getMessage(), e);
        }
        rest().putConnectorConfig(source.name(), source.config());
        rest().putConnectorConfig(sink.name(), sink.config());
        rest().awaitRunning(source.name(), RUNNING_TIMEOUT);
        rest().awaitRunning(sink.name(), RUNNING_TIMEOUT);
        awaitCaptureStreaming(siteId, tables);
        LOG.info("Site {} joined from {}: {}", siteId, donor, result);
        return result;
    }

    /** Waits until the site's replication slot is in use, so no write from now on is missed. */
    public void awaitCaptureStreaming(String siteId, List<String> tableNames) {
        if (engine(siteId) == Engine.MARIADB) {
            awaitBinlogReader(siteId);
            return;
        }
        String slot = new SynclineSourceConnectorConfig(sourceConnector(siteId, tableNames).config()).slotName();
        long deadline = System.nanoTime() + RUNNING_TIMEOUT.toNanos();
        try (Connection c = site(siteId).connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the capture of site " + siteId + " did not start streaming from "
                            + "slot " + slot + " within " + RUNNING_TIMEOUT.toSeconds() + " s");
                }
                Deadlines.pause(Duration.ofMillis(100));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check the replication slot of site " + siteId, e);
        }
    }

    /** Waits until a replica (the capture) reads the MariaDB site's binary log. */
    private void awaitBinlogReader(String siteId) {
        Deadlines.await("the capture of site " + siteId + " reads the binary log", RUNNING_TIMEOUT, () -> {
            try (Connection c = site(siteId).connect(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                            + "WHERE COMMAND LIKE 'Binlog Dump%'")) {
                return rs.next() && rs.getInt(1) > 0;
            }
        }, () -> String.valueOf(failures()));
    }

    /**
     * Every connector or task of this stack that has failed, with the start of its trace; empty
     * when all run.
     */
    public List<String> failures() {
        List<String> failed = new ArrayList<>();
        for (String name : rest().connectors()) {
            var status = rest().status(name);
            if ("FAILED".equals(status.path("connector").path("state").asText())) {
                failed.add(name + ": " + firstLines(status.path("connector").path("trace").asText()));
            }
            for (var task : status.path("tasks")) {
                if ("FAILED".equals(task.path("state").asText())) {
                    failed.add(name + " task " + task.path("id").asText() + ": "
                            + firstLines(task.path("trace").asText()));
                }
            }
        }
        return failed;
    }

    private static String firstLines(String trace) {
        String[] lines = trace.split("\n");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(3, lines.length); i++) {
            sb.append(i == 0 ? "" : " | ").append(lines[i].trim());
        }
        return sb.toString();
    }

    /**
     * The one-line JSON contract of {@code syncline up}:
     * {@code {"connect":...,"kafka":...,"group":...,"sites":{"a":{"engine":...,"host":...,...}}}}.
     */
    public String describeJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("connect", restUrl());
        root.put("kafka", kafka.bootstrapServers());
        root.put("kafkaPid", kafka.pid());
        long self = ProcessHandle.current().pid();
        var workerNodes = root.putArray("workers");
        if (processes == null) {
            workerNodes.addObject().put("url", connect.restUrl()).put("pid", self);
        } else {
            for (ConnectWorkerProcess w : processes.workers()) {
                workerNodes.addObject().put("url", w.restUrl()).put("pid", w.pid());
            }
        }
        root.put("group", options.group());
        root.put("changesTopic", changesTopic());
        ObjectNode siteNodes = root.putObject("sites");
        for (Map.Entry<String, SiteServer> entry : sites.entrySet()) {
            SiteServer s = entry.getValue();
            ObjectNode node = siteNodes.putObject(entry.getKey());
            node.put("engine", s.engine());
            if (s instanceof PostgresServer postgres) {
                node.put("version", postgres.majorVersion());
            }
            node.put("host", s.host());
            node.put("port", s.port());
            node.put("database", s.database());
            node.put("user", s.user());
            node.put("password", s.password());
            node.put("jdbcUrl", s.jdbcUrl());
            node.put("pid", s.pid());
        }
        root.putArray("tables").addAll(tables.stream().map(JSON.getNodeFactory()::textNode).toList());
        if (coordinator != null) {
            ObjectNode c = root.putObject("coordinator");
            c.put("peers", coordinator.peersSpec());
            ObjectNode pids = c.putObject("pids");
            coordinator.ids().forEach(id -> pids.put(id, self));
        }
        coordinatorProcesses().ifPresent(peers -> {
            ObjectNode c = root.putObject("coordinator");
            c.put("peers", peers.peersSpec());
            ObjectNode pids = c.putObject("pids");
            peers.pids().forEach(pids::put);
        });
        root.put("startupMs", startupTime.toMillis());
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the worker, the broker and every site, and deletes their files. */
    @Override
    public void close() {
        closeAll(processes, connect, kafka, coordinator, sites, workDir);
        LOG.info("Embedded stack stopped and its files deleted");
    }

    /** Stops what runs in the order that lets each part leave cleanly (workers before the broker), then deletes the files. */
    private static void closeAll(ProcessParts processes, EmbeddedConnect connect, EmbeddedKafka kafka,
            AutoCloseable coordinator, Map<String, SiteServer> sites, Path workDir) {
        closeQuietly(processes);
        closeQuietly(connect);
        closeQuietly(kafka);
        closeQuietly(coordinator);
        for (SiteServer server : sites.values()) {
            closeQuietly(server);
        }
        FileTree.deleteQuietly(workDir);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("Stopping {} failed: {}", closeable.getClass().getSimpleName(), e.toString());
        }
    }
}
