package io.syncline.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.site.TableRef;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MeshDescriptionTest {

    /** The shape of the line {@code syncline up} prints. */
    static final String UP_LINE = "{\"connect\":\"http://127.0.0.1:8083\",\"kafka\":\"127.0.0.1:9092\",\"group\":\"demo\","
            + "\"changesTopic\":\"demo.changes\",\"sites\":{"
            + "\"b\":{\"engine\":\"postgres\",\"host\":\"127.0.0.1\",\"port\":5433,\"database\":\"site_b\",\"user\":\"syncline\","
            + "\"password\":\"pw-b\",\"jdbcUrl\":\"jdbc:postgresql://127.0.0.1:5433/site_b\",\"pid\":12},"
            + "\"a\":{\"engine\":\"postgres\",\"host\":\"127.0.0.1\",\"port\":5432,\"database\":\"site_a\",\"user\":\"syncline\","
            + "\"password\":\"pw-a\",\"jdbcUrl\":\"jdbc:postgresql://127.0.0.1:5432/site_a\",\"pid\":11}},"
            + "\"tables\":[\"public.items\",\"shop.Odd Name\"],\"startupMs\":4000}";

    @Test
    void readsTheLineOfUpKeepingTheSitesOrder() {
        MeshDescription mesh = MeshDescription.parse(UP_LINE);
        assertThat(mesh.sites()).containsOnlyKeys("b", "a");
        assertThat(mesh.sites().keySet()).containsExactly("b", "a");
        MeshDescription.SiteAddress a = mesh.sites().get("a");
        assertThat(a.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/site_a");
        assertThat(a.user()).isEqualTo("syncline");
        assertThat(a.password()).isEqualTo("pw-a");
        assertThat(mesh.tables()).containsExactly(TableRef.parse("public.items"), new TableRef("shop", "Odd Name"));
    }

    @Test
    void aHandWrittenFileMayGiveHostPortAndDatabaseAndNoTables() {
        MeshDescription mesh = MeshDescription.parse("""
                {"sites": {"east": {"host": "db1", "port": 5432, "database": "shop", "user": "u"},
                           "west": {"jdbcUrl": "jdbc:postgresql://db2:6432/shop?ssl=true&password=secret"}}}
                """);
        assertThat(mesh.sites().get("east").jdbcUrl()).isEqualTo("jdbc:postgresql://db1:5432/shop");
        assertThat(mesh.sites().get("east").password()).isNull();
        assertThat(mesh.tables()).isEmpty();
        MeshDescription.SiteAddress west = mesh.sites().get("west");
        assertThat(west.displayUrl()).isEqualTo("jdbc:postgresql://db2:6432/shop");
        assertThat(west.toString()).doesNotContain("secret");
    }

    @Test
    void thePasswordIsNeverPrinted() {
        assertThat(MeshDescription.parse(UP_LINE).sites().get("a").toString()).doesNotContain("pw-a")
                .isEqualTo("a (jdbc:postgresql://127.0.0.1:5432/site_a)");
    }

    @Test
    void readingAStreamStopsAfterTheFirstValue() throws Exception {
        // syncline up keeps running after its line; verify must not wait for the end of the stream.
        byte[] line = (UP_LINE + "\n").getBytes(StandardCharsets.UTF_8);
        InputStream endless = new InputStream() {
            private int next;

            @Override
            public int read() {
                if (next < line.length) {
                    return line[next++];
                }
                throw new AssertionError("read past the first JSON value");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (next >= line.length) {
                    throw new AssertionError("read past the first JSON value");
                }
                int n = Math.min(len, line.length - next);
                System.arraycopy(line, next, b, off, n);
                next += n;
                return n;
            }
        };
        assertThat(MeshDescription.read(endless).sites()).containsOnlyKeys("a", "b");
    }

    @Test
    void anEmptyStreamIsRefused() {
        assertThatThrownBy(() -> MeshDescription.read(new ByteArrayInputStream(new byte[0])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no JSON");
    }

    @Test
    void wrongInputIsRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> MeshDescription.parse("{\"sites\":")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> MeshDescription.parse("[1]")).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> MeshDescription.parse("{\"tables\":[]}")).hasMessageContaining("no \"sites\" object");
        assertThatThrownBy(() -> MeshDescription.parse("{\"sites\":{\"a\":{\"jdbcUrl\":\"jdbc:postgresql://h/d\"}}}"))
                .hasMessageContaining("names 1 site [a]; verify compares at least two");
        assertThatThrownBy(() -> MeshDescription.parse("{\"sites\":{\"a\":{\"engine\":\"mariadb\",\"host\":\"h\"},"
                + "\"b\":{}}}")).hasMessageContaining("site a has engine 'mariadb'");
        assertThatThrownBy(() -> MeshDescription.parse("{\"sites\":{\"a\":{\"host\":\"h\",\"port\":1},"
                + "\"b\":{}}}")).hasMessageContaining("site a needs \"jdbcUrl\", or \"host\", \"port\" and \"database\"");
        assertThatThrownBy(() -> MeshDescription.parse("{\"sites\":{\"a\":{\"jdbcUrl\":\"jdbc:mysql://h/d\"},"
                + "\"b\":{}}}")).hasMessageContaining("site a has jdbcUrl 'jdbc:mysql://h/d'");
        assertThatThrownBy(() -> MeshDescription.parse("{\"sites\":{\"a\":{\"jdbcUrl\":\"jdbc:postgresql://h/a\"},"
                + "\"b\":{\"jdbcUrl\":\"jdbc:postgresql://h/b\"}},\"tables\":\"public.t\"}"))
                .hasMessageContaining("\"tables\" must be an array");
        assertThatThrownBy(() -> MeshDescription.parse("{\"sites\":{\"a\":{\"jdbcUrl\":\"jdbc:postgresql://h/a\"},"
                + "\"b\":{\"jdbcUrl\":\"jdbc:postgresql://h/b\"}},\"tables\":[7]}"))
                .hasMessageContaining("\"tables\" holds 7");
    }
}
