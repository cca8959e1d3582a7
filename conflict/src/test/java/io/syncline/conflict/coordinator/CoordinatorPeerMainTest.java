package io.syncline.conflict.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The coordinator image's entry point refuses a wrong command line with exit code 2 and says why. */
class CoordinatorPeerMainTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return CoordinatorPeerMain.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void missingOptionsAreAWrongCommandLine() {
        assertThat(run("--id", "n1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--id, --peers and --dir are required");
    }

    @Test
    void anUnknownOptionIsNamed() {
        assertThat(run("--id", "n1", "--peer", "n1=localhost:1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown or incomplete option --peer");
    }

    @Test
    void anIdThatIsNotAPeerIsNamed() {
        assertThat(run("--id", "n9", "--peers", "n1=127.0.0.1:9871", "--dir", "/tmp/x")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--id n9 is not among --peers [n1]");
    }
}
