package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeEventTest {

    private static final SiteId EAST = SiteId.of("east");

    private static ChangeEvent event(String table, Map<String, ColumnValue> columns, VersionVector vv, Dot dot) {
        return new ChangeEvent(table, "42", ChangeEvent.Op.UPSERT, List.of("id"), columns, vv, dot, 1L, 0L, "");
    }

    private static Map<String, ColumnValue> row() {
        Map<String, ColumnValue> columns = new LinkedHashMap<>();
        columns.put("id", ColumnValue.of(42L));
        columns.put("zeta", ColumnValue.of("z"));
        columns.put("alpha", ColumnValue.NULL);
        return columns;
    }

    @Test
    void keepsColumnOrderInAnUnmodifiableCopy() {
        Map<String, ColumnValue> columns = row();
        ChangeEvent event = event("public.orders", columns, VersionVector.parse("east:3"), new Dot(EAST, 3));
        columns.put("late", ColumnValue.of(1L));
        assertThat(event.columns().keySet()).containsExactly("id", "zeta", "alpha");
        assertThatThrownBy(() -> event.columns().put("x", ColumnValue.NULL))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(event.origin()).isEqualTo(EAST);
    }

    @Test
    void versionMustIncludeItsOwnDot() {
        assertThatThrownBy(() -> event("public.orders", row(), VersionVector.parse("east:2"), new Dot(EAST, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("change event public.orders[42]: version vector {east:2} does not include its own dot"
                        + " east:3; a version always includes the write that made it");
    }

    @Test
    void tableMustBeSchemaQualified() {
        assertThatThrownBy(() -> event("orders", row(), VersionVector.parse("east:3"), new Dot(EAST, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("change event table 'orders' is not schema-qualified: name it with its schema,"
                        + " e.g. public.orders");
    }

    @Test
    void keyColumnsMustBePresentAndNotNull() {
        VersionVector vv = VersionVector.parse("east:3");
        Dot dot = new Dot(EAST, 3);
        assertThatThrownBy(() -> event("public.orders", Map.of("other", ColumnValue.of(1L)), vv, dot))
                .hasMessage("change event public.orders[42]: key column 'id' is missing from the columns");
        assertThatThrownBy(() -> event("public.orders", Map.of("id", ColumnValue.NULL), vv, dot))
                .hasMessage("change event public.orders[42]: key column 'id' is NULL");
        assertThatThrownBy(() -> new ChangeEvent("public.orders", "42", ChangeEvent.Op.DELETE, List.of(), row(), vv,
                dot, 1L, 0L, "")).hasMessageContaining("has no key columns");
        assertThatThrownBy(() -> new ChangeEvent("public.orders", "", ChangeEvent.Op.DELETE, List.of("id"), row(),
                vv, dot, 1L, 0L, "")).hasMessageContaining("has no key");
    }

    @Test
    void rejectsNegativeTimesAndNullPosition() {
        VersionVector vv = VersionVector.parse("east:3");
        Dot dot = new Dot(EAST, 3);
        assertThatThrownBy(() -> new ChangeEvent("public.orders", "42", ChangeEvent.Op.UPSERT, List.of("id"), row(),
                vv, dot, -1L, 0L, "")).hasMessage("change event public.orders[42]: hlc was -1, must be 0 or more");
        assertThatThrownBy(() -> new ChangeEvent("public.orders", "42", ChangeEvent.Op.UPSERT, List.of("id"), row(),
                vv, dot, 1L, 0L, null)).hasMessageContaining("sourcePosition is null");
    }

    @Test
    void toStringLeavesOutColumnValues() {
        Map<String, ColumnValue> columns = row();
        columns.put("secret", ColumnValue.of("hunter2"));
        ChangeEvent event = event("public.users", columns, VersionVector.parse("east:3"), new Dot(EAST, 3));
        assertThat(event.toString()).contains("public.users[42]", "east:3", "secret").doesNotContain("hunter2");
    }
}
