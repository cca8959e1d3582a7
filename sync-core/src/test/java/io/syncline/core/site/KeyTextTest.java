package io.syncline.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyTextTest {

    @Test
    void oneColumnIsItsTextUnescaped() {
        assertThat(KeyText.of(List.of("42"))).isEqualTo("42");
        // One column is never escaped: row_key returns r ->> col as it is.
        assertThat(KeyText.of(List.of("a,b\\c"))).isEqualTo("a,b\\c");
        assertThat(KeyText.of(List.of(""))).isEmpty();
    }

    @Test
    void severalColumnsAreEscapedAndJoined() {
        assertThat(KeyText.of(List.of("1", "2"))).isEqualTo("1,2");
        assertThat(KeyText.of(List.of("a,b", "7"))).isEqualTo("a\\,b,7");
        assertThat(KeyText.of(List.of("a\\", "b"))).isEqualTo("a\\\\,b");
        assertThat(KeyText.of(List.of("\\,", ","))).isEqualTo("\\\\\\,,\\,");
        assertThat(KeyText.of(List.of("", ""))).isEqualTo(",");
    }

    @Test
    void emptyFirstPartKeepsItsSeparator() {
        // syncline.row_key (string_agg over every column) gives ",x" for ('', 'x'); so must we.
        assertThat(KeyText.of(List.of("", "x"))).isEqualTo(",x");
        assertThat(KeyText.of(List.of("", "", "y"))).isEqualTo(",,y");
        assertThat(KeyText.of(List.of("x", ""))).isEqualTo("x,");
    }

    @Test
    void backslashIsEscapedBeforeComma() {
        // Escaping ',' first and '\' second would double the backslash that escapes the comma.
        assertThat(KeyText.of(List.of("x,", "y"))).isEqualTo("x\\,,y");
    }

    @Test
    void emptyKeyIsRefused() {
        assertThatThrownBy(() -> KeyText.of(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one column");
    }

    @Test
    void distinctCompositeKeysHaveDistinctTexts() {
        long seed = Long.getLong("syncline.seed", System.nanoTime());
        System.out.println("KeyTextTest seed " + seed + " (rerun with -Dsyncline.seed=" + seed + ")");
        Random random = new Random(seed);
        for (int i = 0; i < 5_000; i++) {
            List<String> a = randomParts(random);
            List<String> b = randomParts(random);
            String where = "seed " + seed + ", sample " + i + ": " + a + " vs " + b;
            assertThat(KeyText.of(a).equals(KeyText.of(b))).as(where).isEqualTo(a.equals(b));
            assertThat(split(KeyText.of(a))).as(where).isEqualTo(a);
        }
    }

    private static List<String> randomParts(Random random) {
        int n = 2 + random.nextInt(2);
        List<String> parts = new ArrayList<>();
        String alphabet = "ab,\\";
        for (int p = 0; p < n; p++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(4);
            for (int c = 0; c < len; c++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            parts.add(sb.toString());
        }
        return parts;
    }

    /** The inverse of the escaping, to show it loses nothing. */
    private static List<String> split(String text) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                current.append(text.charAt(++i));
            } else if (c == ',') {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }
}
