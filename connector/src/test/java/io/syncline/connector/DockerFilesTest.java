package io.syncline.connector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.connector.config.SynclineSinkConnectorConfig;
import io.syncline.connector.config.SynclineSourceConnectorConfig;
import io.syncline.connector.config.Version;
import io.syncline.connector.rest.SynclineRestExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The files under {@code docker/} cannot be built or run here (no Docker engine in the build), so this
 * checks what a broken image or compose file would most often get wrong: base images, paths copied into
 * the images and let through the {@code .dockerignore}, services and the files and services they refer
 * to, the connector configs against the connectors' own {@link ConfigDef}s, and the worker config
 * against Connect's {@link DistributedConfig}. Surefire runs in {@code connector/}, so the repository
 * root is {@code ..}.
 */
class DockerFilesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DOCKER = ROOT.resolve("docker");

    private static final String SOURCE_CLASS = "io.syncline.connector.source.SynclineSourceConnector";
    private static final String SINK_CLASS = "io.syncline.connector.sink.SynclineSinkConnector";
    private static final Set<String> SERVICES = Set.of("kafka", "postgres-east", "postgres-west", "mariadb-north",
            "coordinator-1", "coordinator-2", "coordinator-3", "connect", "register");
    private static final Set<String> SITES = Set.of("east", "west");
    /** Build outputs are not in the work tree when the tests run; only their names are checked. */
    private static final Pattern PLUGIN_ZIP = Pattern.compile("connector/target/syncline-connect-[^/]+\\.zip");

    private static final ObjectMapper JSON = new ObjectMapper();

    // ---- Dockerfiles ----

    @Test
    void workerImageIsTheOfficialKafkaImageWithThePluginAndTheWorkerConfig() throws IOException {
        Dockerfile file = Dockerfile.read(DOCKER.resolve("Dockerfile"));

        assertThat(file.finalBaseImage()).isEqualTo("apache/kafka:4.1.1");
        assertThat(file.all("COPY")).anySatisfy(copy -> assertThat(copy.args())
                .contains("docker/connect-distributed.properties")
                .endsWith("/opt/kafka/config/syncline-worker.properties"));
        assertThat(file.all("COPY")).anySatisfy(copy -> assertThat(copy.args()).contains("/opt/kafka/plugins/"));
        assertThat(file.last("CMD")).contains("/opt/kafka/bin/connect-distributed.sh",
                "/opt/kafka/config/syncline-worker.properties");
    }

    @Test
    void coordinatorImageRunsThePeerFromThePluginLibOnAJava17Runtime() throws IOException, ClassNotFoundException {
        Dockerfile file = Dockerfile.read(DOCKER.resolve("Dockerfile.coordinator"));

        assertThat(file.finalBaseImage()).isEqualTo("eclipse-temurin:17-jre");
        String cmd = file.last("CMD");
        assertThat(cmd).contains("io.syncline.conflict.coordinator.CoordinatorPeerMain", "--id", "--peers", "--dir /data");
        Class.forName("io.syncline.conflict.coordinator.CoordinatorPeerMain");
        // SLF4J and a backend are not in the plugin's lib/ (the worker provides them): the image adds both.
        assertThat(cmd).contains("/opt/syncline/lib/*", "/opt/syncline/logging/*");
        assertThat(file.all("ADD")).extracting(Instruction::args)
                .anySatisfy(args -> assertThat(args).contains("/slf4j-api-"))
                .anySatisfy(args -> assertThat(args).contains("/log4j-slf4j2-impl-"));
    }

    @Test
    void everyStageStartsFromAPinnedImage() throws IOException {
        for (String name : List.of("Dockerfile", "Dockerfile.coordinator")) {
            Dockerfile file = Dockerfile.read(DOCKER.resolve(name));
            assertThat(file.all("FROM")).as(name).isNotEmpty().allSatisfy(from -> {
                String image = from.args().split("\\s+")[0];
                assertThat(image).as(name + ": FROM " + from.args()).matches("[a-z0-9./-]+:[A-Za-z0-9._-]+")
                        .doesNotEndWith(":latest");
            });
        }
    }

    @Test
    void everyCopiedPathExistsAndIsInTheBuildContext() throws IOException {
        for (String name : List.of("Dockerfile", "Dockerfile.coordinator")) {
            Dockerfile file = Dockerfile.read(DOCKER.resolve(name));
            DockerIgnore ignore = DockerIgnore.read(DOCKER.resolve(name + ".dockerignore"));
            List<String> sources = new ArrayList<>();
            for (Instruction instruction : file.instructions()) {
                if (!instruction.is("COPY") && !instruction.is("ADD")) {
                    continue;
                }
                List<String> words = instruction.words();
                if (words.stream().anyMatch(w -> w.startsWith("--from="))) {
                    continue; // from another stage, not from the build context
                }
                List<String> operands = words.stream().filter(w -> !w.startsWith("--")).toList();
                assertThat(operands).as(name + ": " + instruction).hasSizeGreaterThanOrEqualTo(2);
                for (String source : operands.subList(0, operands.size() - 1)) {
                    source = file.substitute(source);
                    if (source.startsWith("https://")) {
                        assertThat(words).as(name + ": a download must be pinned by checksum: " + source)
                                .anySatisfy(w -> assertThat(w).startsWith("--checksum=sha256:"));
                        continue;
                    }
                    assertThat(source).as(name + ": " + instruction).doesNotStartWith("http").doesNotContain("..");
                    if (source.startsWith("connector/target/")) {
                        assertThat(source).as(name).matches(PLUGIN_ZIP);
                        assertThat(source).as(name + ": the build's version")
                                .isEqualTo("connector/target/syncline-connect-" + Version.get() + ".zip");
                    } else {
                        assertThat(ROOT.resolve(source)).as(name + ": COPY source").exists();
                    }
                    assertThat(ignore.includes(source)).as(name + ".dockerignore lets " + source + " through").isTrue();
                    sources.add(source);
                }
            }
            assertThat(sources).as(name).anySatisfy(s -> assertThat(s).matches(PLUGIN_ZIP));
        }
    }

    // ---- compose.yaml ----

    @Test
    void composeFileHasEveryServiceAndEverythingItRefersToExists() throws IOException {
        Map<String, Object> compose = compose();
        Map<String, Object> services = map(compose.get("services"), "services");
        assertThat(services.keySet()).containsExactlyInAnyOrderElementsOf(SERVICES);
        Set<String> namedVolumes = compose.containsKey("volumes") ? map(compose.get("volumes"), "volumes").keySet() : Set.of();

        services.forEach((name, value) -> {
            Map<String, Object> service = map(value, name);
            assertThat(service.containsKey("image") || service.containsKey("build")).as(name + ": image or build").isTrue();
            if (service.containsKey("build")) {
                Map<String, Object> build = map(service.get("build"), name + ".build");
                Path context = DOCKER.resolve(String.valueOf(build.getOrDefault("context", "."))).normalize();
                assertThat(context).as(name + ": build.context").isEqualTo(ROOT);
                assertThat(context.resolve(String.valueOf(build.getOrDefault("dockerfile", "Dockerfile"))))
                        .as(name + ": build.dockerfile").isRegularFile();
            }
            for (Object volume : list(service.get("volumes"))) {
                String source = volume instanceof Map<?, ?> m ? String.valueOf(m.get("source"))
                        : String.valueOf(volume).split(":")[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    assertThat(DOCKER.resolve(source).normalize()).as(name + ": volume " + volume).exists();
                } else {
                    assertThat(namedVolumes).as(name + ": named volume " + source + " declared").contains(source);
                }
            }
            for (Object envFile : list(service.get("env_file"))) {
                assertThat(DOCKER.resolve(String.valueOf(envFile))).as(name + ": env_file").isRegularFile();
            }
            dependsOn(service).forEach((dependency, condition) -> {
                assertThat(services).as(name + " depends on " + dependency).containsKey(dependency);
                if ("service_healthy".equals(condition)) {
                    assertThat(map(services.get(dependency), dependency)).as(dependency + " has a healthcheck")
                            .containsKey("healthcheck");
                }
            });
        });

        assertThat(dependsOn(map(services.get("connect"), "connect")))
                .containsKeys("kafka", "postgres-east", "postgres-west", "coordinator-1", "coordinator-2", "coordinator-3");
    }

    @Test
    void composeRunsTheDatabasesTheSitesNeed() throws IOException {
        Map<String, Object> services = map(compose().get("services"), "services");
        assertThat(map(services.get("kafka"), "kafka").get("image")).isEqualTo("apache/kafka:4.1.1");
        for (String site : SITES) {
            Map<String, Object> postgres = map(services.get("postgres-" + site), "postgres-" + site);
            assertThat(postgres.get("image")).isEqualTo("postgres:16");
            assertThat(list(postgres.get("command"))).contains("wal_level=logical");
            assertThat(list(postgres.get("volumes"))).anySatisfy(v -> assertThat(String.valueOf(v))
                    .startsWith("./schema.sql:/docker-entrypoint-initdb.d/"));
            assertThat(postgres).containsKey("healthcheck");
        }
        Map<String, Object> mariadb = map(services.get("mariadb-north"), "mariadb-north");
        assertThat(mariadb.get("image")).isEqualTo("mariadb:11");
        assertThat(list(mariadb.get("command"))).anySatisfy(a -> assertThat(String.valueOf(a)).startsWith("--log-bin"))
                .contains("--binlog-format=ROW");
    }

    @Test
    void coordinatorPeersAgreeEverywhere() throws IOException {
        Map<String, Object> services = map(compose().get("services"), "services");
        String peers = workerProperties().getProperty("syncline.coordinator.peers");
        assertThat(peers).isNotBlank();
        Map<String, String> addresses = new LinkedHashMap<>();
        for (String entry : peers.split(",")) {
            String[] idAddress = entry.trim().split("=", 2);
            addresses.put(idAddress[0], idAddress[1]);
        }
        assertThat(addresses).hasSize(3);
        for (int i = 1; i <= 3; i++) {
            String name = "coordinator-" + i;
            Map<String, Object> service = map(services.get(name), name);
            Map<String, String> env = environment(service);
            assertThat(env.get("SYNCLINE_COORDINATOR_PEERS")).as(name).isEqualTo(peers);
            String id = env.get("SYNCLINE_COORDINATOR_ID");
            // The peer binds to its own entry's host: the container must answer to that name.
            assertThat(addresses.get(id)).as(name + " (" + id + ")").isEqualTo(service.get("hostname") + ":9871");
        }
        for (JsonNode connector : connectors().values()) {
            if (SINK_CLASS.equals(connector.at("/config/connector.class").asText())) {
                assertThat(connector.at("/config/coordinator.peers").asText()).as(connector.get("name").asText())
                        .isEqualTo(peers);
            }
        }
    }

    // ---- connector configs ----

    @Test
    void connectorConfigsAreValidSourceAndSinkConfigsForEachSite() throws IOException {
        Map<String, JsonNode> connectors = connectors();
        Map<String, Object> services = map(compose().get("services"), "services");
        Set<String> schemaTables = tables(Files.readString(DOCKER.resolve("schema.sql")));
        Map<String, String> kinds = new TreeMap<>();

        connectors.forEach((file, connector) -> {
            assertThat(connector.path("name").asText()).as(file + ": name").isNotBlank();
            JsonNode config = connector.path("config");
            String connectorClass = config.path("connector.class").asText();
            assertThat(connectorClass).as(file + ": connector.class").isIn(SOURCE_CLASS, SINK_CLASS);
            boolean source = SOURCE_CLASS.equals(connectorClass);
            Map<String, String> settings = new HashMap<>();
            config.properties().forEach(e -> settings.put(e.getKey(), e.getValue().asText()));
            assertThat(settings.values()).as(file + ": no ${placeholder} left").noneMatch(v -> v.contains("${"));

            // Same shape as the sample the docs point to: every key of it is set.
            assertThat(settings).as(file).containsKeys(sampleKeys(source).toArray(String[]::new));
            ConfigDef def = source ? SynclineSourceConnectorConfig.CONFIG_DEF : SynclineSinkConnectorConfig.CONFIG_DEF;
            for (ConfigValue value : def.validate(settings)) {
                assertThat(value.errorMessages()).as(file + ": " + value.name()).isEmpty();
            }

            String site = settings.get("site.id");
            assertThat(site).as(file).isIn(SITES);
            String host = settings.get("database.hostname");
            assertThat(host).as(file).isEqualTo("postgres-" + site);
            Map<String, String> env = environment(map(services.get(host), host));
            assertThat(settings.get("database.user")).as(file).isEqualTo(env.get("POSTGRES_USER"));
            assertThat(settings.get("database.password")).as(file).isEqualTo(env.get("POSTGRES_PASSWORD"));
            assertThat(settings.get("database.dbname")).as(file).isEqualTo(env.get("POSTGRES_DB"));
            assertThat(settings.get("sync.group")).as(file).isEqualTo("shop");
            assertThat(Set.of(settings.get("table.include.list").split(","))).as(file + ": tables in schema.sql")
                    .isSubsetOf(schemaTables);
            assertThat(kinds.put(site + (source ? "-source" : "-sink"), file)).as(file + ": one per site and kind").isNull();
        });

        assertThat(kinds).containsOnlyKeys("east-source", "east-sink", "west-source", "west-sink");
        assertThat(connectors.values().stream().map(c -> c.get("name").asText()).distinct()).hasSize(connectors.size());
    }

    @Test
    void registerServicePostsTheConnectorFolder() throws IOException {
        Map<String, Object> register = map(map(compose().get("services"), "services").get("register"), "register");
        assertThat(list(register.get("volumes"))).anySatisfy(v -> assertThat(String.valueOf(v)).startsWith("./connectors:"));
        String script = Files.readString(DOCKER.resolve("register-connectors.sh"));
        assertThat(script).startsWith("#!/bin/sh").contains("-X POST", "/connectors", "/connector-plugins");
    }

    // ---- worker config ----

    @Test
    void workerConfigLoadsThePluginAndTheRestExtension() throws IOException {
        Properties worker = workerProperties();
        assertThat(worker.getProperty("plugin.path")).isEqualTo("/opt/kafka/plugins");
        assertThat(worker.getProperty("plugin.discovery")).isEqualTo("service_load");
        assertThat(worker.getProperty("rest.extension.classes")).contains(SynclineRestExtension.class.getName());
        assertThat(ConnectRestExtension.class).isAssignableFrom(SynclineRestExtension.class);
        assertThat(worker.getProperty("connector.client.config.override.policy")).isEqualTo("All");
        assertThat(worker.getProperty("key.converter")).isEqualTo("org.apache.kafka.connect.storage.StringConverter");
        assertThat(worker.getProperty("value.converter")).isEqualTo("org.apache.kafka.connect.converters.ByteArrayConverter");

        // service_load discovery finds only what the plugin lists in META-INF/services.
        assertThat(serviceEntries("org.apache.kafka.connect.source.SourceConnector")).contains(SOURCE_CLASS);
        assertThat(serviceEntries("org.apache.kafka.connect.sink.SinkConnector")).contains(SINK_CLASS);
        assertThat(serviceEntries("org.apache.kafka.connect.rest.ConnectRestExtension"))
                .contains(SynclineRestExtension.class.getName());

        // Connect's own parsing and validation of every key it knows.
        Map<String, String> settings = new HashMap<>();
        worker.stringPropertyNames().forEach(key -> settings.put(key, worker.getProperty(key)));
        DistributedConfig config = new DistributedConfig(settings);
        assertThat(config.getString("group.id")).isNotBlank();

        // Every ${env:NAME} the file reads has a default in the image.
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        Matcher env = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)}").matcher(String.join("\n", settings.values()));
        while (env.find()) {
            assertThat(dockerfile).as("ENV " + env.group(1) + " in docker/Dockerfile").containsPattern(
                    "(?m)^ENV\\s+" + env.group(1) + "=\\S+");
        }
        assertThat(settings.get("bootstrap.servers")).contains("${env:CONNECT_BOOTSTRAP_SERVERS}");
        assertThat(dockerfile).contains("ENV CONNECT_BOOTSTRAP_SERVERS=kafka:9092");
    }

    // ---- helpers ----

    private static Map<String, Object> compose() throws IOException {
        try (Reader reader = Files.newBufferedReader(DOCKER.resolve("compose.yaml"))) {
            Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            return map(document, "compose.yaml");
        }
    }

    private static Properties workerProperties() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(DOCKER.resolve("connect-distributed.properties"))) {
            properties.load(reader);
        }
        return properties;
    }

    private static Map<String, JsonNode> connectors() throws IOException {
        Map<String, JsonNode> connectors = new TreeMap<>();
        try (Stream<Path> files = Files.list(DOCKER.resolve("connectors"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                connectors.put(file.getFileName().toString(), JSON.readTree(file.toFile()));
            }
        }
        assertThat(connectors).as("docker/connectors/*.json").isNotEmpty();
        return connectors;
    }

    private static List<String> sampleKeys(boolean source) {
        Path sample = ROOT.resolve("config-samples").resolve(source ? "postgres-source.json" : "postgres-sink.json");
        try {
            List<String> keys = new ArrayList<>();
            JSON.readTree(sample.toFile()).path("config").fieldNames().forEachRemaining(keys::add);
            return keys;
        } catch (IOException e) {
            throw new AssertionError("cannot read " + sample, e);
        }
    }

    private static Set<String> tables(String sql) {
        Matcher m = Pattern.compile("(?i)CREATE TABLE\\s+([a-z_]+\\.[a-z_]+)").matcher(sql);
        Set<String> tables = new HashSet<>();
        while (m.find()) {
            tables.add(m.group(1).toLowerCase());
        }
        return tables;
    }

    private static List<String> serviceEntries(String service) throws IOException {
        try (InputStream in = DockerFilesTest.class.getResourceAsStream("/META-INF/services/" + service)) {
            assertThat(in).as("META-INF/services/" + service).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }

    private static Map<String, String> environment(Map<String, Object> service) {
        Object env = service.get("environment");
        Map<String, String> result = new HashMap<>();
        if (env instanceof Map<?, ?> m) {
            m.forEach((k, v) -> result.put(String.valueOf(k), String.valueOf(v)));
        } else {
            for (Object entry : list(env)) {
                String[] kv = String.valueOf(entry).split("=", 2);
                result.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return result;
    }

    /** depends_on as a name -> condition map, from either the list or the map form. */
    private static Map<String, String> dependsOn(Map<String, Object> service) {
        Object value = service.get("depends_on");
        Map<String, String> result = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> result.put(String.valueOf(k),
                    v instanceof Map<?, ?> options ? String.valueOf(options.get("condition")) : "service_started"));
        } else {
            list(value).forEach(name -> result.put(String.valueOf(name), "service_started"));
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) {
        assertThat(value).as(what + " is a mapping").isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static List<Object> list(Object value) {
        if (value == null) {
            return List.of();
        }
        return value instanceof List<?> l ? new ArrayList<>(l) : List.of(value);
    }

    /** One Dockerfile instruction, continuation lines joined. */
    record Instruction(String keyword, String args) {

        boolean is(String name) {
            return keyword.equalsIgnoreCase(name);
        }

        List<String> words() {
            return List.of(args.trim().split("\\s+"));
        }
    }

    /** Just enough of a Dockerfile reader: comments, line continuations, ARG defaults. */
    record Dockerfile(List<Instruction> instructions, Map<String, String> argDefaults) {

        static Dockerfile read(Path path) throws IOException {
            List<Instruction> instructions = new ArrayList<>();
            StringBuilder pending = new StringBuilder();
            for (String line : Files.readAllLines(path)) {
                String trimmed = line.trim();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                if (trimmed.endsWith("\\")) {
                    pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
                    continue;
                }
                pending.append(trimmed);
                String[] parts = pending.toString().split("\\s+", 2);
                instructions.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""));
                pending.setLength(0);
            }
            assertThat(pending.toString()).as(path + " ends inside a continued line").isEmpty();
            Map<String, String> args = new HashMap<>();
            instructions.stream().filter(i -> i.is("ARG") && i.args().contains("=")).forEach(i -> {
                String[] kv = i.args().split("=", 2);
                args.put(kv[0].trim(), kv[1].trim());
            });
            return new Dockerfile(instructions, args);
        }

        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.is(keyword)).toList();
        }

        String last(String keyword) {
            List<Instruction> found = all(keyword);
            assertThat(found).as(keyword).isNotEmpty();
            return found.get(found.size() - 1).args();
        }

        String finalBaseImage() {
            return last("FROM").split("\\s+")[0];
        }

        String substitute(String word) {
            String result = word;
            for (Map.Entry<String, String> arg : argDefaults.entrySet()) {
                result = result.replace("${" + arg.getKey() + "}", arg.getValue()).replace("$" + arg.getKey(), arg.getValue());
            }
            assertThat(result).as("unresolved variable in " + word).doesNotContain("$");
            return result;
        }
    }

    /**
     * A .dockerignore: the last pattern that matches a path decides; an exclusion also covers what is
     * below a matching folder, an exception ({@code !pattern}) re-includes what it names.
     */
    record DockerIgnore(List<String> patterns) {

        static DockerIgnore read(Path path) throws IOException {
            assertThat(path).as("the build context would be the whole repository without " + path.getFileName())
                    .isRegularFile();
            return new DockerIgnore(Files.readAllLines(path).stream().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toList()));
        }

        boolean includes(String relative) {
            boolean included = true;
            for (String pattern : patterns) {
                boolean exception = pattern.startsWith("!");
                String glob = exception ? pattern.substring(1) : pattern;
                var matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
                Path path = Path.of(relative);
                boolean matches = matcher.matches(path);
                for (Path p = path.getParent(); !exception && !matches && p != null; p = p.getParent()) {
                    matches = matcher.matches(p);
                }
                if (matches) {
                    included = exception;
                }
            }
            return included;
        }
    }
}
