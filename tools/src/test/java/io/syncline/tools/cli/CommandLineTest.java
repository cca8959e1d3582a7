package io.syncline.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    private static final Set<String> VALUED = Set.of("sites", "port", "tables");
    private static final Set<String> FLAGS = Set.of("keep", "verbose");

    private static CommandLine parse(String... args) {
        return new CommandLine(List.of(args), VALUED, FLAGS);
    }

    @Test
    void optionsTakeTheNextArgumentAsValue() {
        CommandLine cl = parse("--sites", "3", "--tables", "public.orders,public.lines");
        assertThat(cl.get("sites", "2")).isEqualTo("3");
        assertThat(cl.get("tables", "")).isEqualTo("public.orders,public.lines");
        assertThat(cl.has("port")).isFalse();
        assertThat(cl.get("port", "5432")).isEqualTo("5432");
        assertThat(cl.help()).isFalse();
    }

    @Test
    void optionsTakeAValueAfterAnEqualsSign() {
        CommandLine cl = parse("--sites=3", "--tables=a=b", "--port=");
        assertThat(cl.get("sites", null)).isEqualTo("3");
        assertThat(cl.get("tables", null)).as("only the first '=' separates").isEqualTo("a=b");
        assertThat(cl.has("port")).isTrue();
        assertThat(cl.get("port", "x")).isEmpty();
    }

    @Test
    void theLastOccurrenceWins() {
        assertThat(parse("--sites", "2", "--sites=5").get("sites", null)).isEqualTo("5");
    }

    @Test
    void flagsNeedNoValue() {
        CommandLine cl = parse("--keep", "--sites", "2");
        assertThat(cl.has("keep")).isTrue();
        assertThat(cl.get("keep", "false")).isEqualTo("true");
        assertThat(cl.has("verbose")).isFalse();
        assertThat(cl.get("sites", null)).isEqualTo("2");
        assertThat(parse("--keep=false").get("keep", null)).isEqualTo("false");
    }

    @Test
    void unknownOptionsAreNamed() {
        assertThatThrownBy(() -> parse("--sites", "2", "--colour", "red"))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("unknown option --colour");
        assertThatThrownBy(() -> parse("--colour=red"))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("unknown option --colour");
    }

    @Test
    void argumentsThatAreNotOptionsAreRefused() {
        assertThatThrownBy(() -> parse("demo"))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("unexpected argument 'demo'");
        assertThatThrownBy(() -> parse("-v"))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("unexpected argument '-v'");
    }

    @Test
    void aMissingValueIsNamed() {
        assertThatThrownBy(() -> parse("--keep", "--sites"))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("option --sites needs a value");
    }

    @Test
    void helpInEitherForm() {
        assertThat(parse("--help").help()).isTrue();
        assertThat(parse("-h").help()).isTrue();
        CommandLine cl = parse("--sites", "3", "--help");
        assertThat(cl.help()).isTrue();
        assertThat(cl.get("sites", null)).isEqualTo("3");
    }

    @Test
    void intValuesInRange() {
        CommandLine cl = parse("--sites", "3", "--port", "10_000");
        assertThat(cl.intValue("sites", 2, 1, 9)).isEqualTo(3);
        assertThat(cl.intValue("port", 5432, 1, 65535)).as("underscores group digits").isEqualTo(10_000);
        assertThat(cl.intValue("tables", 7, 1, 9)).as("absent: the fallback").isEqualTo(7);
        assertThat(parse("--sites", "1").intValue("sites", 2, 1, 9)).isEqualTo(1);
        assertThat(parse("--sites", "9").intValue("sites", 2, 1, 9)).isEqualTo(9);
    }

    @Test
    void intValuesOutOfRangeNameTheOptionAndTheRange() {
        assertThatThrownBy(() -> parse("--sites", "0").intValue("sites", 2, 1, 9))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("--sites was 0, must be between 1 and 9");
        assertThatThrownBy(() -> parse("--port", "70_000").intValue("port", 5432, 1, 65535))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("--port was 70_000, must be between 1 and 65535");
        assertThatThrownBy(() -> parse("--sites", "-1").intValue("sites", 2, 1, 9))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("--sites was -1, must be between 1 and 9");
    }

    @Test
    void intValuesThatAreNotNumbersSaySo() {
        assertThatThrownBy(() -> parse("--sites", "three").intValue("sites", 2, 1, 9))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("--sites was 'three', must be a whole number");
        assertThatThrownBy(() -> parse("--sites", "2.5").intValue("sites", 2, 1, 9))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("--sites was '2.5', must be a whole number");
        assertThatThrownBy(() -> parse("--port", "99999999999").intValue("port", 1, 1, 65535))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessageContaining("must be a whole number");
        assertThatThrownBy(() -> parse("--sites=").intValue("sites", 2, 1, 9))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("--sites was '', must be a whole number");
    }
}
