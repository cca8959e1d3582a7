package io.syncline.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ForeignKeyTest {

    @Test
    void readsEveryOnDeleteActionFromBothCatalogs() {
        assertThat(List.of("CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION").stream()
                .map(ForeignKey.OnDelete::ofRule)).containsExactly(ForeignKey.OnDelete.values());
        assertThat(List.of("c", "n", "d", "r", "a").stream().map(ForeignKey.OnDelete::ofPostgresCode))
                .containsExactly(ForeignKey.OnDelete.values());
        assertThatThrownBy(() -> ForeignKey.OnDelete.ofRule("DROP")).hasMessageContaining("'DROP'");
    }

    @Test
    void onlyRestrictAndNoActionRefuseAParentsDeletion() {
        assertThat(List.of(ForeignKey.OnDelete.values()).stream().filter(ForeignKey.OnDelete::refusesParentDelete))
                .containsExactly(ForeignKey.OnDelete.RESTRICT, ForeignKey.OnDelete.NO_ACTION);
    }

    @Test
    void needsAsManyReferencingAsReferencedColumns() {
        TableRef lines = TableRef.parse("public.order_lines");
        TableRef orders = TableRef.parse("public.orders");

        assertThatThrownBy(() -> new ForeignKey("fk", lines, List.of("a", "b"), orders, List.of("id"),
                ForeignKey.OnDelete.CASCADE)).hasMessageContaining("2 referencing and 1 referenced");
        assertThat(new ForeignKey("fk", orders, List.of("parent_id"), orders, List.of("id"),
                ForeignKey.OnDelete.SET_NULL).selfReferencing()).isTrue();
    }
}
