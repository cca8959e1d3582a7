package io.syncline.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.site.TableRef;
import io.syncline.core.site.TableShape;
import io.syncline.core.site.TableShape.ColumnType;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChunkSqlTest {

    private static TableShape shape(String table, List<String> key, String... columnsAndTypes) {
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndTypes.length; i += 2) {
            columns.put(columnsAndTypes[i], new ColumnType(columnsAndTypes[i + 1], columnsAndTypes[i + 1]));
        }
        return new TableShape(TableRef.parse(table), columns, key);
    }

    private static final ChunkSql SINGLE = new ChunkSql(shape("public.big", List.of("id"), "id", "bigint", "v", "text"));
    private static final ChunkSql COMPOSITE = new ChunkSql(shape("shop.Odd \"Name\"", List.of("n", "Tag"),
            "n", "integer", "Tag", "text", "body", "jsonb"));

    @Test
    void boundariesAreKeysetPagedInKeyOrder() {
        assertThat(SINGLE.nextBoundary(false))
                .isEqualTo("SELECT t.\"id\"::text FROM \"public\".\"big\" AS t ORDER BY t.\"id\" OFFSET ? LIMIT 1");
        assertThat(COMPOSITE.nextBoundary(true)).isEqualTo("SELECT t.\"n\"::text, t.\"Tag\"::text"
                + " FROM \"shop\".\"Odd \"\"Name\"\"\" AS t"
                + " WHERE (t.\"n\", t.\"Tag\") >= (CAST(? AS integer), CAST(? AS text))"
                + " ORDER BY t.\"n\", t.\"Tag\" OFFSET ? LIMIT 1");
    }

    @Test
    void rangesCompareRowValuesAgainstBoundParametersCastToTheKeyTypes() {
        KeyRange middle = new KeyRange(List.of("1", "a"), List.of("2", "b"));
        assertThat(COMPOSITE.rangeDigest(middle)).endsWith(" FROM \"shop\".\"Odd \"\"Name\"\"\" AS t"
                + " WHERE (t.\"n\", t.\"Tag\") >= (CAST(? AS integer), CAST(? AS text))"
                + " AND (t.\"n\", t.\"Tag\") < (CAST(? AS integer), CAST(? AS text))");
        assertThat(SINGLE.rangeDigest(new KeyRange(null, List.of("5")))).endsWith(" WHERE (t.\"id\") < (CAST(? AS bigint))");
        assertThat(SINGLE.rangeDigest(new KeyRange(List.of("5"), null))).endsWith(" WHERE (t.\"id\") >= (CAST(? AS bigint))");
        assertThat(SINGLE.rangeDigest(KeyRange.ALL)).endsWith(" FROM \"public\".\"big\" AS t");
    }

    @Test
    void aRowImageIsEveryColumnInTheReferenceOrder() {
        assertThat(COMPOSITE.rangeDigest(KeyRange.ALL)).startsWith("SELECT count(*), coalesce(sum(('x' || left("
                + "md5(ROW(t.\"n\", t.\"Tag\", t.\"body\")::text), 16))::bit(64)::bigint::numeric), 0)::text");
        assertThat(COMPOSITE.rangeRows(new KeyRange(null, List.of("3", "z")))).isEqualTo(
                "SELECT t.\"n\"::text, t.\"Tag\"::text, md5(ROW(t.\"n\", t.\"Tag\", t.\"body\")::text)"
                        + " FROM \"shop\".\"Odd \"\"Name\"\"\" AS t"
                        + " WHERE (t.\"n\", t.\"Tag\") < (CAST(? AS integer), CAST(? AS text))"
                        + " ORDER BY t.\"n\", t.\"Tag\"");
    }

    @Test
    void boundsAreBoundAsTextLowerFirstAndNeverSpliced() throws Exception {
        List<Object> bound = new ArrayList<>();
        PreparedStatement recorder = (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    if (method.getName().equals("setString")) {
                        bound.add(args[0] + "=" + args[1]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        String awkward = "it's, \"quoted\" 😀";
        KeyRange range = new KeyRange(List.of("1", awkward), List.of("2", ""));
        int next = COMPOSITE.bind(recorder, 1, range);
        assertThat(next).isEqualTo(5);
        assertThat(bound).containsExactly("1=1", "2=" + awkward, "3=2", "4=");
        assertThat(COMPOSITE.rangeRows(range)).doesNotContain(awkward);
        assertThat(SINGLE.bind(recorder, 7, KeyRange.ALL)).isEqualTo(7);
    }

    @Test
    void boundsMustHaveOneValuePerKeyColumn() {
        assertThatThrownBy(() -> COMPOSITE.bind(null, 1, new KeyRange(List.of("1"), null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 columns");
    }

    @Test
    void aTableWithoutPrimaryKeyIsRefused() {
        assertThatThrownBy(() -> new ChunkSql(shape("public.log", List.of(), "line", "text")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("public.log has no primary key");
    }
}
