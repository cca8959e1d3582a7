package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.testkit.Deadlines;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's commands, run as a user runs them: {@code bin/syncline demo} ends with
 * {@code converged}; {@code bin/syncline up} prints its JSON line, the mesh it describes syncs, and
 * SIGTERM stops and removes everything.
 */
class CliIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void demoConverges() throws Exception {
        Process demo = launch(List.of("demo", "--changes", "1000"));
        CompletableFuture<List<String>> lines = readLines(demo);
        assertThat(demo.waitFor(5, TimeUnit.MINUTES)).as("demo finished within 5 minutes").isTrue();
        List<String> output = lines.get(10, TimeUnit.SECONDS);
        assertThat(demo.exitValue()).as("exit code; output:%n%s", String.join("\n", output)).isZero();
        assertThat(output.get(output.size() - 1)).startsWith("converged: ");
    }

    @Test
    void upPrintsItsContractSyncsAndCleansUpOnSigterm() throws Exception {
        Path schema = Files.createTempFile("syncline-up-", ".sql");
        Files.writeString(schema, "CREATE TABLE public.notes (id bigint PRIMARY KEY, body text);\n");
        Process up = launch(List.of("up", "--sites", "a:postgres,b:postgres", "--schema", schema.toString()));
        try {
            BufferedReader stdout = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
                try {
                    return stdout.readLine();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            JsonNode mesh = JSON.readTree(firstLine.get(3, TimeUnit.MINUTES));
            assertThat(mesh.path("connect").asText()).startsWith("http://127.0.0.1:");
            assertThat(mesh.path("kafka").asText()).startsWith("127.0.0.1:");
            assertThat(mesh.path("tables")).extracting(JsonNode::asText).containsExactly("public.notes");
            JsonNode a = mesh.path("sites").path("a");
            JsonNode b = mesh.path("sites").path("b");
            for (JsonNode site : List.of(a, b)) {
                assertThat(site.path("engine").asText()).isEqualTo("postgres");
                assertThat(site.path("jdbcUrl").asText()).isEqualTo("jdbc:postgresql://" + site.path("host").asText()
                        + ":" + site.path("port").asInt() + "/" + site.path("database").asText());
            }
            try (Connection ca = connect(a); Connection cb = connect(b); Statement st = ca.createStatement()) {
                st.executeUpdate("INSERT INTO public.notes SELECT g, 'note ' || g FROM generate_series(1, 50) g");
                Deadlines.await("site b has the 50 notes written at a", Duration.ofSeconds(60), () -> {
                    try (Statement q = cb.createStatement();
                            ResultSet rs = q.executeQuery("SELECT count(*) FROM public.notes")) {
                        rs.next();
                        return rs.getInt(1) == 50;
                    }
                }, () -> "fewer rows");
            }
            long pidA = a.path("pid").asLong();
            long pidB = b.path("pid").asLong();
            assertThat(ProcessHandle.of(pidA)).isPresent();

            up.destroy();
            assertThat(up.waitFor(60, TimeUnit.SECONDS)).as("up stopped after SIGTERM").isTrue();
            assertThat(up.exitValue()).isEqualTo(143);
            for (long pid : List.of(pidA, pidB)) {
                assertThat(running(pid)).as("database server %d stopped", pid).isFalse();
            }
        } finally {
            up.destroyForcibly();
            Files.deleteIfExists(schema);
        }
    }

    @Test
    void unknownCommandIsAUsageError() throws Exception {
        Process p = launch(List.of("frobnicate"), true);
        CompletableFuture<List<String>> lines = readLines(p);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(String.join("\n", lines.get(10, TimeUnit.SECONDS))).contains("unknown command 'frobnicate'");
    }

    /** Alive and not a zombie: a stopped server whose parent is gone may wait to be reaped by init. */
    private static boolean running(long pid) throws IOException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String text = Files.readString(stat);
        String afterName = text.substring(text.lastIndexOf(')') + 1).trim();
        return !afterName.startsWith("Z") && !afterName.startsWith("X");
    }

    private static Process launch(List<String> args) throws IOException {
        return launch(args, false);
    }

    private static Process launch(List<String> args, boolean mergeErrors) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("bin/syncline").toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
        pb.environment().put("SYNCLINE_NO_BUILD", "1");
        pb.environment().put("SYNCLINE_LOG_DIR", ROOT.resolve("connector/target/cli-logs").toString());
        if (mergeErrors) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        }
        return pb.start();
    }

    private static CompletableFuture<List<String>> readLines(Process p) {
        return CompletableFuture.supplyAsync(() -> {
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("<output unreadable: " + e + ">");
            }
            return lines;
        });
    }

    private static Connection connect(JsonNode site) throws Exception {
        return DriverManager.getConnection(site.path("jdbcUrl").asText(), site.path("user").asText(),
                site.path("password").asText());
    }

}
