package io.syncline.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.site.TableRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line of {@code syncline verify}: everything that needs no database. */
class VerifyCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SynclineCli.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int runWithStdin(String stdin, String... args) {
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        try {
            return new VerifyCommand(o, e, in).run(List.of(args)).code();
        } catch (CommandLine.UsageException ex) {
            e.println(ex.getMessage());
            return ExitCode.USAGE.code();
        }
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path mesh(String json) throws IOException {
        return Files.writeString(dir.resolve("mesh.json"), json);
    }

    @Test
    void helpListsTheOptionsAndExitCodes() {
        assertThat(run("verify", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(VerifyCommand.HELP)
                .contains("--mesh FILE|-", "--tables", "--chunk-size N", "0 equal, 1 different, 2 wrong command line, 3 failed");
        out.reset();
        assertThat(run("help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("verify   check that every site");
    }

    @Test
    void wrongOptionsExitWithTwoAndSayWhy() throws Exception {
        Path mesh = mesh(MeshDescriptionTest.UP_LINE);
        assertThat(run("verify", "--mesh", mesh.toString(), "--chunk-size", "0")).isEqualTo(2);
        assertThat(err()).contains("--chunk-size was 0, must be between 1 and 100000000", "see syncline verify --help");
        err.reset();
        assertThat(run("verify", "--mesh", mesh.toString(), "--chunk-size", "many")).isEqualTo(2);
        assertThat(err()).contains("--chunk-size was 'many', must be a whole number");
        err.reset();
        assertThat(run("verify", "--meshes", mesh.toString())).isEqualTo(2);
        assertThat(err()).contains("unknown option --meshes");
        err.reset();
        assertThat(run("verify", "--mesh")).isEqualTo(2);
        assertThat(err()).contains("option --mesh needs a value");
        err.reset();
        assertThat(run("verify", "--mesh", mesh.toString(), "--tables", " , ")).isEqualTo(2);
        assertThat(err()).contains("--tables names no table");
    }

    @Test
    void anUnreadableOrUnusableMeshExitsWithTwo() throws Exception {
        assertThat(run("verify", "--mesh", dir.resolve("absent.json").toString())).isEqualTo(2);
        assertThat(err()).contains("--mesh " + dir.resolve("absent.json") + " cannot be read");
        err.reset();
        assertThat(run("verify", "--mesh", mesh("{\"sites\":{}}").toString())).isEqualTo(2);
        assertThat(err()).contains("is not usable: \"sites\" names 0 sites");
        err.reset();
        String noTables = "{\"sites\":{\"a\":{\"jdbcUrl\":\"jdbc:postgresql://h/a\"},\"b\":{\"jdbcUrl\":\"jdbc:postgresql://h/b\"}}}";
        assertThat(run("verify", "--mesh", mesh(noTables).toString())).isEqualTo(2);
        assertThat(err()).contains("no table to verify: the mesh JSON lists none and --tables is not given");
        err.reset();
        assertThat(runWithStdin("", "--mesh", "-")).isEqualTo(2);
        assertThat(err()).contains("the mesh JSON from stdin is not usable: no JSON");
    }

    @Test
    void anUnreachableSiteExitsWithThreeNamingTheSiteAndUrl() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/site_b";
        String json = "{\"sites\":{\"b\":{\"jdbcUrl\":\"" + url + "\",\"user\":\"u\",\"password\":\"hidden\"},"
                + "\"a\":{\"jdbcUrl\":\"" + url + "\"}},\"tables\":[\"public.t\"]}";
        assertThat(runWithStdin(json)).isEqualTo(3);
        assertThat(err()).contains("site b is unreachable at " + url).doesNotContain("hidden");
    }

    @Test
    void tablesAreCommaSeparatedSchemaQualifiedNames() {
        assertThat(VerifyCommand.tables("public.a, shop.Odd Name ,b"))
                .containsExactly(TableRef.parse("public.a"), new TableRef("shop", "Odd Name"), TableRef.parse("public.b"));
    }
}
