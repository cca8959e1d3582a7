package io.syncline.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line of {@code syncline join}: everything that needs no database. */
class JoinCommandTest {

    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();

    private int run(String... args) {
        return cli.run(args);
    }

    private Path mesh() throws Exception {
        Path file = dir.resolve("mesh.json");
        String site = "{\"engine\":\"postgres\",\"jdbcUrl\":\"jdbc:postgresql://127.0.0.1:1/x\",\"user\":\"u\","
                + "\"password\":\"p\"}";
        Files.writeString(file, "{\"sites\":{\"a\":" + site + ",\"b\":" + site + "},\"tables\":[\"public.items\"]}");
        return file;
    }

    @Test
    void helpListsTheSteps() {
        assertThat(run("join", "--help")).isZero();
        assertThat(cli.out()).contains("--from SITE").contains("register the new site's");
    }

    @Test
    void requiredOptionsAreUsageErrors() throws Exception {
        assertThat(run("join", "--mesh", mesh().toString(), "--from", "a", "--site", "c", "--group", "g"))
                .isEqualTo(2);
        assertThat(cli.err()).contains("--jdbc-url is required");
    }

    @Test
    void theDonorMustBeInTheMeshAndTheNewSiteMustNot() throws Exception {
        String[] common = {"--group", "g", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/y", "--user", "u"};
        assertThat(run(concat(new String[] {"join", "--mesh", mesh().toString(), "--from", "z", "--site", "c"}, common)))
                .isEqualTo(2);
        assertThat(cli.err()).contains("--from z is not a site of the mesh");
        assertThat(run(concat(new String[] {"join", "--mesh", mesh().toString(), "--from", "a", "--site", "a"}, common)))
                .isEqualTo(2);
        assertThat(cli.err()).contains("--site a is already a site of the mesh");
    }

    @Test
    void anUnreachableSiteFailsWithExitThree() throws Exception {
        assertThat(run("join", "--mesh", mesh().toString(), "--from", "a", "--site", "c", "--group", "g",
                "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/y?connectTimeout=2", "--user", "u")).isEqualTo(3);
        assertThat(cli.err()).contains("syncline join failed");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
