package io.syncline.core.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.RowId;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The column order every meta statement shares, bound and read back without a database. */
class MetaEntryTest {

    private static final SiteId A = SiteId.of("a");
    private static final SiteId B = SiteId.of("b");

    @Test
    void bindsTheColumnsInTheOrderOfTheMetaStatements() throws Exception {
        Map<Integer, Object> bound = new TreeMap<>();
        entry().bind(recorder(bound));
        assertThat(bound).containsExactly(Map.entry(1, "public.orders"), Map.entry(2, "42"), Map.entry(3, "a:3,b:1"),
                Map.entry(4, 77L), Map.entry(5, "b"), Map.entry(6, 1L), Map.entry(7, false),
                Map.entry(8, "{\"note\":[77,\"b\"]}"), Map.entry(9, "{\"stock\":{\"a\":2,\"b\":-1}}"));
    }

    @Test
    void readsBackWhatItBinds() throws Exception {
        Map<Integer, Object> bound = new TreeMap<>();
        entry().bind(recorder(bound));
        assertThat(MetaEntry.read(row(bound))).isEqualTo(entry());
    }

    @Test
    void aPlaceholderReadsAsNoVersionAndNoVersionBindsAsAPlaceholder() throws Exception {
        Map<Integer, Object> bound = new TreeMap<>();
        new MetaEntry(new RowId("public.orders", "7"), RowVersion.NONE).bind(recorder(bound));
        assertThat(bound).containsEntry(3, "").containsEntry(4, 0L).containsEntry(5, "").containsEntry(6, 0L)
                .containsEntry(7, true).containsEntry(8, null).containsEntry(9, null);
        assertThat(MetaEntry.read(row(bound)).version()).isSameAs(RowVersion.NONE);
    }

    @Test
    void aMalformedVectorIsRefusedNamingIt() throws Exception {
        Map<Integer, Object> bound = new TreeMap<>();
        entry().bind(recorder(bound));
        bound.put(3, "b:1,a:3");
        assertThatThrownBy(() -> MetaEntry.read(row(bound))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'b:1,a:3'");
    }

    private static MetaEntry entry() {
        return new MetaEntry(new RowId("public.orders", "42"), new RowVersion(VersionVector.parse("a:3,b:1"), 77L, B,
                1L, false, Map.of("note", new ColumnStamp(77L, B)), Map.of("stock", new TreeMap<>(Map.of(A, 2L, B, -1L)))));
    }

    private static PreparedStatement recorder(Map<Integer, Object> bound) {
        return (PreparedStatement) Proxy.newProxyInstance(MetaEntryTest.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("set") && args.length == 2) {
                        bound.put((Integer) args[0], args[1]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A result set positioned on one row whose columns are {@code values}. */
    private static ResultSet row(Map<Integer, Object> values) {
        return (ResultSet) Proxy.newProxyInstance(MetaEntryTest.class.getClassLoader(),
                new Class<?>[] {ResultSet.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getString" -> (String) values.get((Integer) args[0]);
                    case "getLong" -> (Long) values.get((Integer) args[0]);
                    case "getBoolean" -> (Boolean) values.get((Integer) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
