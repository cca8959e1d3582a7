package io.syncline.conflict;

import static io.syncline.conflict.VersionBuilder.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.conflict.testkit.LowestOriginWins;
import io.syncline.core.ColumnValue;
import io.syncline.core.VersionVector;
import io.syncline.core.apply.ConflictType;
import io.syncline.core.apply.Resolution;
import io.syncline.core.apply.Resolution.Winner;
import io.syncline.core.apply.RowState;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ResolverRegistryTest {

    private static final List<String> TABLES = List.of("public.orders", "public.stock", "sales.orders");

    @Test
    void listsTheBuiltIns() {
        assertThat(ResolverRegistry.builtInNames()).containsExactly("last-writer-wins", "site-priority",
                "delete-wins", "update-wins", "max", "min", "column-last-writer-wins", "delta", "manual");
    }

    @Test
    void withoutSettingsEveryTableIsLastWriterWins() {
        ResolverRegistry registry = ResolverRegistry.from(Map.of(), List.of());
        assertThat(registry.resolverFor("public.anything").name()).isEqualTo("last-writer-wins");
    }

    @Test
    void aTableKeyOverridesTheDefaultAndOtherTablesKeepIt() {
        ResolverRegistry registry = ResolverRegistry.from(Map.of(
                "conflict.resolver", "delete-wins",
                "conflict.resolver.public.stock", "delta",
                "conflict.resolver.public.stock.columns", "qty"), TABLES);
        assertThat(registry.resolverFor("public.stock").name()).isEqualTo("delta");
        assertThat(registry.resolverFor("public.orders").name()).isEqualTo("delete-wins");
        assertThat(registry.resolverFor("sales.orders").name()).isEqualTo("delete-wins");
        assertThat(registry.resolverFor("public.unlisted").name()).isEqualTo("delete-wins");
    }

    @Test
    void groupOptionsConfigureTheDefaultAndATableCanOverrideThem() {
        ResolverRegistry registry = ResolverRegistry.from(Map.of(
                "conflict.resolver", "site-priority",
                "conflict.resolver.sites", "east,west",
                "conflict.resolver.sales.orders.sites", "west,east"), TABLES);
        RowState east = version("east", 1).col("v", 1).build();
        RowState west = version("west", 2).col("v", 2).build();
        assertThat(resolve(registry, "public.orders", west, east).winner()).isEqualTo(Winner.INCOMING);
        assertThat(resolve(registry, "sales.orders", west, east).winner()).isEqualTo(Winner.LOCAL);
        assertThat(resolve(registry, "public.unlisted", west, east).winner()).isEqualTo(Winner.INCOMING);
    }

    @Test
    void aTableWithItsOwnResolverDoesNotInheritGroupOptions() {
        assertThatThrownBy(() -> ResolverRegistry.from(Map.of(
                "conflict.resolver", "max",
                "conflict.resolver.column", "price",
                "conflict.resolver.public.stock", "min"), TABLES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conflict.resolver.public.stock.column is required");
    }

    @Test
    void theDefaultMayLackOptionsThatEveryListedTableSets() {
        ResolverRegistry registry = ResolverRegistry.from(Map.of(
                "conflict.resolver", "max",
                "conflict.resolver.public.orders.column", "total",
                "conflict.resolver.public.stock.column", "qty",
                "conflict.resolver.sales.orders.column", "total"), TABLES);
        assertThat(registry.resolverFor("public.stock").name()).isEqualTo("max");
        assertThatThrownBy(() -> registry.resolverFor("public.unlisted"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("public.unlisted is not among the synced tables")
                .hasMessageContaining("conflict.resolver.column is required");
    }

    @Test
    void aBareTableNameInTheListMeansSchemaPublic() {
        ResolverRegistry registry = ResolverRegistry.from(Map.of("conflict.resolver.public.orders", "update-wins"),
                List.of("orders"));
        assertThat(registry.resolverFor("public.orders").name()).isEqualTo("update-wins");
    }

    @Test
    void anUnknownBuiltInIsRefusedWithTheListOfBuiltIns() {
        assertThatThrownBy(() -> ResolverRegistry.from(Map.of("conflict.resolver.public.orders", "lww"), TABLES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conflict.resolver.public.orders was 'lww', which is not a built-in resolver")
                .hasMessageContaining("last-writer-wins, site-priority, delete-wins, update-wins, max, min, "
                        + "column-last-writer-wins, delta");
    }

    @Test
    void aMissingRequiredOptionIsNamedByItsKey() {
        assertThatThrownBy(() -> ResolverRegistry.from(Map.of("conflict.resolver.public.orders", "site-priority"),
                TABLES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conflict.resolver.public.orders.sites is required")
                .hasMessageContaining("or conflict.resolver.sites");
        assertThatThrownBy(() -> ResolverRegistry.from(Map.of("conflict.resolver", "delta"), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conflict.resolver.columns is required");
    }

    @Test
    void misspeltOptionsAndUnknownTablesAreAllReportedAtOnce() {
        assertThatThrownBy(() -> ResolverRegistry.from(Map.of(
                "conflict.resolver.public.orders", "site-priority",
                "conflict.resolver.public.orders.site", "east",
                "conflict.resolver.public.orders.sites", "east,,west",
                "conflict.resolver.public.missing", "max",
                "conflict.resolver.orders", "delete-wins"), TABLES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conflict.resolver.public.orders.site is not an option of resolver site-priority"
                        + " (its options: sites)")
                .hasMessageContaining("conflict.resolver.public.orders.sites was 'east,,west'")
                .hasMessageContaining("conflict.resolver.public.missing names no synced table (tables: public.orders,"
                        + " public.stock, sales.orders)")
                .hasMessageContaining("conflict.resolver.orders is not an option of resolver last-writer-wins (it has"
                        + " none)");
    }

    @Test
    void siteIdsInThePriorityListAreChecked() {
        assertThatThrownBy(() -> ResolverRegistry.from(Map.of("conflict.resolver", "site-priority",
                "conflict.resolver.sites", "east,East!"), List.of()))
                .hasMessageContaining("conflict.resolver.sites lists 'East!', which is not a site id");
        assertThatThrownBy(() -> ResolverRegistry.from(Map.of("conflict.resolver", "site-priority",
                "conflict.resolver.sites", "east,west,east"), List.of()))
                .hasMessageContaining("conflict.resolver.sites lists site 'east' twice");
    }

    @Test
    void resolveNamesTheWinningSideAndJoinsTheVectors() {
        ResolverRegistry registry = ResolverRegistry.from(Map.of(
                "conflict.resolver.public.stock", "delta", "conflict.resolver.public.stock.columns", "qty"), TABLES);
        RowState old = version("a", 1).vv("a:1,b:4").col("qty", 1).build();
        RowState newer = version("b", 2).vv("b:5").seq(5).col("qty", 2).build();
        Resolution lww = resolve(registry, "public.orders", old, newer);
        assertThat(lww.winner()).isEqualTo(Winner.INCOMING);
        assertThat(lww.rule()).isEqualTo("last-writer-wins");
        assertThat(lww.result().vv()).isEqualTo(VersionVector.parse("a:1,b:5"));
        assertThat(resolve(registry, "public.orders", newer, old).winner()).isEqualTo(Winner.LOCAL);

        RowState plus3 = version("a", 5).vv("a:1").col("qty", 13).counter("qty", "a", 3).build();
        RowState plus5 = version("b", 6).vv("b:1").col("qty", 15).counter("qty", "b", 5).build();
        Resolution delta = resolve(registry, "public.stock", plus3, plus5);
        assertThat(delta.winner()).isEqualTo(Winner.MERGED);
        assertThat(delta.rule()).isEqualTo("delta");
        assertThat(delta.result().columns()).containsEntry("qty", ColumnValue.of(18L));
    }

    @Test
    void aUserResolverIsLoadedByClassNameAndGetsItsTableAndOptions() {
        LowestOriginWins.CONFIGURED.clear();
        String name = LowestOriginWins.class.getName();
        ResolverRegistry registry = ResolverRegistry.from(Map.of(
                "conflict.resolver.public.orders", name,
                "conflict.resolver.public.orders.mode", "strict"), TABLES);
        assertThat(LowestOriginWins.CONFIGURED)
                .contains(new ResolverSettings("public.orders", Map.of("mode", "strict")));

        RowState b = version("b", 9).col("v", 1).build();
        RowState a = version("a", 1).col("v", 2).build();
        Resolution resolution = resolve(registry, "public.orders", b, a);
        assertThat(resolution.winner()).isEqualTo(Winner.INCOMING);
        assertThat(resolution.rule()).isEqualTo("lowest-origin-wins");
    }

    @Test
    void aUserResolverIsLoadedThroughTheContextClassLoader() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        List<String> asked = new CopyOnWriteArrayList<>();
        ClassLoader recording = new ClassLoader(previous) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                asked.add(name);
                return super.loadClass(name, resolve);
            }
        };
        thread.setContextClassLoader(recording);
        try {
            String name = LowestOriginWins.class.getName();
            ResolverRegistry registry = ResolverRegistry.from(Map.of("conflict.resolver", name), List.of());
            assertThat(registry.resolverFor("public.x").name()).isEqualTo("lowest-origin-wins");
            assertThat(asked).contains(name);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Test
    void classesThatCannotServeAreRefusedWithTheReason() {
        assertThatThrownBy(() -> ResolverRegistry.from(Map.of("conflict.resolver.public.orders", "x.Y"), TABLES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conflict.resolver.public.orders names class x.Y, which cannot be loaded: "
                        + "java.lang.ClassNotFoundException: x.Y");
        assertThatThrownBy(() -> ResolverRegistry.from(Map.of("conflict.resolver",
                "io.syncline.conflict.testkit.NotAResolver"), List.of()))
                .hasMessageContaining("conflict.resolver names class io.syncline.conflict.testkit.NotAResolver, which"
                        + " does not implement io.syncline.conflict.ConflictResolver");
        assertThatThrownBy(() -> ResolverRegistry.from(Map.of("conflict.resolver",
                "io.syncline.conflict.testkit.NeedsArguments"), List.of()))
                .hasMessageContaining("which has no public no-argument constructor");
    }

    @Test
    void aBlankResolverNameIsRefused() {
        assertThatThrownBy(() -> ResolverRegistry.from(Map.of("conflict.resolver", " "), List.of()))
                .hasMessageContaining("conflict.resolver was '', must name a resolver");
    }

    private static Resolution resolve(ResolverRegistry registry, String table, RowState local, RowState incoming) {
        return registry.resolve(table, ConflictType.of(local, incoming), local, incoming);
    }
}
