package io.syncline.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fields of the mesh JSON each command reads, from the one reader. */
class MeshJsonTest {

    @Test
    void theLineOfUpNamesTheWorkerTheBrokerAndTheGroup() {
        MeshJson mesh = MeshJson.parse(MeshDescriptionTest.UP_LINE);
        assertThat(mesh.connect()).contains("http://127.0.0.1:8083");
        assertThat(mesh.kafka()).contains("127.0.0.1:9092");
        assertThat(mesh.group()).contains("demo");
        assertThat(mesh.changesTopic()).contains("demo.changes");
        assertThat(mesh.coordinatorPeers()).isEmpty();
        assertThat(mesh.engines()).containsExactly(Map.entry("b", "postgres"),
                Map.entry("a", "postgres"));
        assertThat(mesh.description().sites()).containsOnlyKeys("a", "b");
    }

    @Test
    void gcTakesTheDefaultTopicAndSlotsUnlessTheJsonNamesThem() {
        TombstoneCollection.Mesh mesh = GcCommand.mesh(MeshJson.parse("""
                {"kafka": "k:9092", "group": "Shop", "coordinator": {"peers": "n1=h:1"},
                 "sites": {"a": {"jdbcUrl": "jdbc:postgresql://h/a", "slot": "mine"},
                           "b": {"jdbcUrl": "jdbc:postgresql://h/b"}}}"""));
        assertThat(mesh.changesTopic()).isEqualTo("Shop.changes");
        assertThat(mesh.sites().get("a").slot()).isEqualTo("mine");
        assertThat(mesh.sites().get("b").slot()).isEqualTo("syncline_shop_b");
        assertThat(mesh.coordinatorPeers()).isEqualTo("n1=h:1");
    }

    @Test
    void gcNeedsTheGroupAndTheBroker() {
        String sites = "\"sites\": {\"a\": {\"jdbcUrl\": \"jdbc:postgresql://h/a\"}, "
                + "\"b\": {\"jdbcUrl\": \"jdbc:postgresql://h/b\"}}";
        assertThatThrownBy(() -> GcCommand.mesh(MeshJson.parse("{\"kafka\": \"k\", " + sites + "}")))
                .isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("has no \"group\"");
        assertThatThrownBy(() -> GcCommand.mesh(MeshJson.parse("{\"group\": \"g\", \"kafka\": \"\", " + sites + "}")))
                .isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("has no \"kafka\"");
        assertThatThrownBy(() -> GcCommand.mesh(MeshJson.parse("{\"group\": \"g\", \"kafka\": \"k\", \"sites\": {}}")))
                .isInstanceOf(CommandLine.UsageException.class).hasMessageStartingWith("the mesh JSON is not usable");
    }

    @Test
    void statusNeedsOnlyTheWorker() {
        MeshJson mesh = MeshJson.parse("{\"connect\": \"http://w:8083\", \"sites\": {\"m\": {\"engine\": \"mariadb\"}}}");
        assertThat(mesh.connect()).contains("http://w:8083");
        assertThat(MeshJson.parse("{\"connect\": \" \"}").connect()).isEmpty();
    }

    @Test
    void aProblemWithTheOptionNamesWhereTheJsonCameFrom(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("mesh.json"), "[1]");
        assertThatThrownBy(() -> MeshJson.fromOption(file.toString(), new ByteArrayInputStream(new byte[0])))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("--mesh " + file + " is not usable: expected a JSON object like the line 'syncline up' prints");
        assertThatThrownBy(() -> MeshJson.fromOption("-", new ByteArrayInputStream("{".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessageStartingWith("the mesh JSON from stdin is not usable: not JSON");
        assertThat(MeshJson.fromOption("-", new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8))).source())
                .isEqualTo("the mesh JSON from stdin");
    }
}
