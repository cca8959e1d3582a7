package io.syncline.connector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.testkit.EmbeddedConnect;
import io.syncline.testkit.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * The plugin archive {@code mvn package} builds: a Confluent Hub style component (manifest.json,
 * lib/ with the plugin and its dependencies) without what every worker provides. That a stock
 * worker loads it from plugin.path is what every other integration test relies on.
 */
class PluginArchiveIT {

    private static Path zip() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("syncline-connect-.*\\.zip")).findFirst()
                    .orElseThrow(() -> new AssertionError("no syncline-connect-<version>.zip in connector/target"));
        }
    }

    @Test
    void aFreshWorkerLoadsTheUnzippedArchiveFromItsPluginPath() throws Exception {
        Path pluginPath = Files.createTempDirectory("syncline-fresh-plugins-");
        try (ZipFile archive = new ZipFile(zip().toFile())) {
            for (ZipEntry entry : Collections.list(archive.entries())) {
                Path target = pluginPath.resolve(entry.getName()).normalize();
                assertThat(target.startsWith(pluginPath)).as("entry %s stays in the plugin folder", entry.getName()).isTrue();
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (var in = archive.getInputStream(entry)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(Files.createTempDirectory("syncline-fresh-kafka-"));
                EmbeddedConnect worker = EmbeddedConnect.start(kafka.bootstrapServers(), pluginPath, Map.of())) {
            assertThat(worker.restClient().connectorPlugins()).contains(
                    "io.syncline.connector.source.SynclineSourceConnector",
                    "io.syncline.connector.sink.SynclineSinkConnector");
        }
    }

    @Test
    void theArchiveHoldsThePluginAndNoToolsOrTestKitClass() throws Exception {
        List<String> synclineClasses = new ArrayList<>();
        List<String> jars = new ArrayList<>();
        try (ZipFile archive = new ZipFile(zip().toFile())) {
            for (ZipEntry entry : Collections.list(archive.entries())) {
                if (!entry.getName().matches(".*/lib/[^/]+\\.jar")) {
                    continue;
                }
                jars.add(entry.getName().substring(entry.getName().lastIndexOf('/') + 1));
                try (ZipInputStream jar = new ZipInputStream(archive.getInputStream(entry))) {
                    for (ZipEntry e = jar.getNextEntry(); e != null; e = jar.getNextEntry()) {
                        if (e.getName().startsWith("io/syncline/") && e.getName().endsWith(".class")) {
                            synclineClasses.add(e.getName());
                        }
                    }
                }
            }
        }
        System.out.println("PluginArchiveIT: " + jars.size() + " jars, " + synclineClasses.size()
                + " Syncline classes in the archive");
        assertThat(jars).noneMatch(j -> j.startsWith("syncline-tools-") || j.startsWith("syncline-test-kit-"));
        assertThat(synclineClasses).as("the plugin's own classes")
                .contains("io/syncline/connector/source/SynclineSourceConnector.class",
                        "io/syncline/connector/sink/SynclineSinkConnector.class",
                        "io/syncline/connector/rest/SynclineRestExtension.class",
                        "io/syncline/conflict/coordinator/CoordinatorPeerMain.class",
                        "io/syncline/core/apply/SiteApplier.class")
                .as("no CLI, embedded stack, standalone mode, bench or test kit in the plugin")
                .noneMatch(c -> c.startsWith("io/syncline/tools/") || c.startsWith("io/syncline/testkit/")
                        || c.matches("io/syncline/connector/(cli|embedded|standalone)/.*"))
                .allMatch(c -> c.startsWith("io/syncline/connector/") || c.startsWith("io/syncline/conflict/")
                        || c.startsWith("io/syncline/core/"));
    }

    @Test
    void theZipIsAPluginFolderWithItsOwnDependenciesAndAManifest() throws Exception {
        Path zip = zip();
        String folder = zip.getFileName().toString().replace(".zip", "");
        List<String> names = new ArrayList<>();
        JsonNode manifest;
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            archive.stream().map(ZipEntry::getName).forEach(names::add);
            ZipEntry entry = archive.getEntry(folder + "/manifest.json");
            assertThat(entry).as("manifest.json in %s", zip).isNotNull();
            manifest = new ObjectMapper().readTree(archive.getInputStream(entry));
        }
        assertThat(manifest.path("component_type").asText()).isEqualTo("plugin");
        assertThat(manifest.path("name").asText()).isEqualTo("syncline-connect");
        assertThat(manifest.path("version").asText()).isEqualTo(folder.substring("syncline-connect-".length()));
        assertThat(names).anyMatch(n -> n.matches(folder + "/lib/syncline-connect-.*\\.jar"))
                .anyMatch(n -> n.matches(folder + "/lib/syncline-sync-core-.*\\.jar"))
                .anyMatch(n -> n.matches(folder + "/lib/syncline-conflict-.*\\.jar"))
                .anyMatch(n -> n.matches(folder + "/lib/debezium-connector-postgres-.*\\.jar"))
                .anyMatch(n -> n.matches(folder + "/lib/postgresql-.*\\.jar"))
                .anyMatch(n -> n.matches(folder + "/lib/ratis-server-.*\\.jar"))
                .anyMatch(n -> n.matches(folder + "/etc/postgres-sink\\.json"));
        assertThat(names).as("jars every worker provides stay out of the plugin")
                .noneMatch(n -> n.matches(".*/lib/(kafka-clients|connect-api|connect-runtime|slf4j-api|jackson-databind|jetty-[a-z0-9-]+|jersey-[a-z-]+|debezium-embedded)-.*"));
    }
}
