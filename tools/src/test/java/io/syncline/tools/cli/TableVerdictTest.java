package io.syncline.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.site.TableRef;
import io.syncline.tools.cli.TableVerdict.KeyDifference;
import io.syncline.tools.cli.TableVerdict.SiteTally;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableVerdictTest {

    private static final List<String> SITES = List.of("a", "b", "c");

    private static Map<String, String> digests(String... siteAndDigest) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < siteAndDigest.length; i += 2) {
            m.put(siteAndDigest[i], siteAndDigest[i + 1]);
        }
        return m;
    }

    @Test
    void aKeyDifferenceSaysWhereTheRowIsMissingOrOtherwise() {
        assertThat(new KeyDifference("42", digests("a", "x", "c", "x")).describe(SITES))
                .isEqualTo("key 42: missing at b");
        assertThat(new KeyDifference("7", digests("a", "x")).describe(SITES))
                .isEqualTo("key 7: only at a, missing at b, c");
        assertThat(new KeyDifference("9", digests("a", "x", "b", "x", "c", "y")).describe(SITES))
                .isEqualTo("key 9: different rows at a, b | c");
        assertThat(new KeyDifference("1,x\\,y", digests("a", "x", "c", "y")).describe(SITES))
                .isEqualTo("key 1,x\\,y: different rows at a | c; missing at b");
    }

    @Test
    void equalOnlyWithoutProblemsAndDifferingKeys() {
        Map<String, SiteTally> sites = new LinkedHashMap<>();
        sites.put("a", new SiteTally(3, 1, "d"));
        sites.put("b", new SiteTally(3, 1, "d"));
        TableRef table = TableRef.parse("public.t");
        TableVerdict same = new TableVerdict(table, sites, List.of(), List.of(), 0);
        assertThat(same.equal()).isTrue();
        assertThat(same.differences()).isEmpty();
        assertThat(same.rows("a")).isEqualTo(3);

        TableVerdict many = new TableVerdict(table, sites, List.of(),
                List.of(new KeyDifference("1", digests("a", "x"))), 250);
        assertThat(many.equal()).isFalse();
        assertThat(many.differingKeys()).isEqualTo(251);
        assertThat(many.differences()).containsExactly("key 1: missing at b", "... and 250 more differing keys");

        sites.put("c", null);
        TableVerdict missing = new TableVerdict(table, sites, List.of("missing at site c"), List.of(), 0);
        assertThat(missing.equal()).isFalse();
        assertThat(missing.rows("c")).isZero();
        assertThat(missing.differences()).containsExactly("missing at site c");
    }
}
