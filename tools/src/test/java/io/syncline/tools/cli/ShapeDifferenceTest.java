package io.syncline.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.site.TableRef;
import io.syncline.core.site.TableShape;
import io.syncline.core.site.TableShape.ColumnType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShapeDifferenceTest {

    private static TableShape shape(List<String> key, String... columnsAndTypes) {
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndTypes.length; i += 2) {
            columns.put(columnsAndTypes[i], new ColumnType(columnsAndTypes[i + 1], columnsAndTypes[i + 1]));
        }
        return new TableShape(TableRef.parse("public.t"), columns, key);
    }

    private static final TableShape REFERENCE = shape(List.of("id"), "id", "bigint", "v", "text");

    @Test
    void theSameColumnsInAnotherOrderAreTheSameShape() {
        assertThat(ShapeDifference.between("a", REFERENCE, "b", Optional.of(shape(List.of("id"), "v", "text", "id", "bigint"))))
                .isNull();
    }

    @Test
    void differencesNameBothSites() {
        assertThat(ShapeDifference.between("a", REFERENCE, "b", Optional.empty())).isEqualTo("missing at site b");
        assertThat(ShapeDifference.between("a", REFERENCE, "b", Optional.of(shape(List.of("v"), "id", "bigint", "v", "text"))))
                .isEqualTo("primary key differs: (id) at a, (v) at b; rows at b not compared");
        assertThat(ShapeDifference.between("a", REFERENCE, "c", Optional.of(shape(List.of("id"), "id", "bigint"))))
                .isEqualTo("columns differ: (id, v) at a, (id) at c; rows at c not compared");
        assertThat(ShapeDifference.between("a", REFERENCE, "b", Optional.of(shape(List.of("id"), "id", "integer", "v", "text"))))
                .startsWith(ShapeDifference.TYPES_ONLY).endsWith("id bigint at a, integer at b");
    }
}
