package io.syncline.conflict;

import static io.syncline.conflict.VersionBuilder.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.ColumnValue;
import io.syncline.core.SiteId;
import io.syncline.core.apply.ColumnStamp;
import io.syncline.core.apply.ConflictType;
import io.syncline.core.apply.Resolution;
import io.syncline.core.apply.Resolution.Winner;
import io.syncline.core.apply.RowState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One focused case per rule of every built-in resolver, each checked in both arrival orders. */
class ResolverRulesTest {

    private static final String TABLE = "public.t";

    @Test
    void sitePriorityPrefersTheEarlierListedOriginThenListedOverUnlistedThenLastWriter() {
        Map<String, String> options = Map.of("sites", "east, west");
        RowState eastOld = version("east", 1).col("v", "east").build();
        RowState westNew = version("west", 9).col("v", "west").build();
        RowState northNewest = version("north", 99).col("v", "north").build();
        RowState southNewer = version("south", 100).col("v", "south").build();

        assertThat(winner("site-priority", options, eastOld, westNew)).isEqualTo(eastOld);
        assertThat(winner("site-priority", options, northNewest, westNew)).isEqualTo(westNew);
        assertThat(winner("site-priority", options, northNewest, southNewer)).isEqualTo(southNewer);
        RowState eastDeletedLater = version("east", 5).seq(2).deleted().build();
        assertThat(winner("site-priority", options, westNew, eastDeletedLater)).isEqualTo(eastDeletedLater);
    }

    @Test
    void deleteWinsOverANewerUpdateAndSameKindsGoByLastWriter() {
        RowState delete = version("a", 1).deleted().build();
        RowState update = version("b", 50).col("v", 1).build();
        assertThat(winner("delete-wins", Map.of(), delete, update)).isEqualTo(delete);
        RowState laterDelete = version("c", 2).deleted().build();
        assertThat(winner("delete-wins", Map.of(), delete, laterDelete)).isEqualTo(laterDelete);
        RowState laterUpdate = version("c", 60).col("v", 2).build();
        assertThat(winner("delete-wins", Map.of(), update, laterUpdate)).isEqualTo(laterUpdate);
    }

    @Test
    void updateWinsOverANewerDeletionAndSameKindsGoByLastWriter() {
        RowState update = version("a", 1).col("v", 1).build();
        RowState delete = version("b", 50).deleted().build();
        assertThat(winner("update-wins", Map.of(), update, delete)).isEqualTo(update);
        RowState laterDelete = version("c", 60).deleted().build();
        assertThat(winner("update-wins", Map.of(), delete, laterDelete)).isEqualTo(laterDelete);
        RowState laterUpdate = version("c", 2).col("v", 2).build();
        assertThat(winner("update-wins", Map.of(), update, laterUpdate)).isEqualTo(laterUpdate);
    }

    @Test
    void maxAndMinCompareNumbersNumericallyAcrossKinds() {
        Map<String, String> price = Map.of("column", "price");
        RowState seven = version("a", 9).col("price", 7).build();
        RowState sevenAndAHalf = version("b", 1).col("price", ColumnValue.of(new BigDecimal("7.5"))).build();
        RowState tenAsFloat = version("c", 1).col("price", ColumnValue.of(10.0)).build();
        RowState minusInfinity = version("d", 1).col("price", ColumnValue.of(Double.NEGATIVE_INFINITY)).build();
        assertThat(winner("max", price, seven, sevenAndAHalf)).isEqualTo(sevenAndAHalf);
        assertThat(winner("max", price, sevenAndAHalf, tenAsFloat)).isEqualTo(tenAsFloat);
        assertThat(winner("min", price, seven, sevenAndAHalf)).isEqualTo(seven);
        assertThat(winner("min", price, seven, minusInfinity)).isEqualTo(minusInfinity);
        // 12 and 12.00 are equal: the later writer decides.
        RowState twelve = version("a", 5).col("price", 12).build();
        RowState twelveDecimal = version("b", 6).col("price", ColumnValue.of(new BigDecimal("12.00"))).build();
        assertThat(winner("max", price, twelve, twelveDecimal)).isEqualTo(twelveDecimal);
        assertThat(winner("min", price, twelve, twelveDecimal)).isEqualTo(twelveDecimal);
    }

    @Test
    void maxAndMinCompareTextByCodePointAndTimesChronologically() {
        Map<String, String> name = Map.of("column", "name");
        RowState upper = version("a", 1).col("name", "Zebra").build();
        RowState lower = version("b", 2).col("name", "apple").build();
        RowState astral = version("c", 3).col("name", "\uD83C\uDF4E").build();
        RowState fullWidth = version("d", 4).col("name", "\uFF21").build();
        assertThat(winner("max", name, upper, lower)).isEqualTo(lower);
        assertThat(winner("min", name, upper, lower)).isEqualTo(upper);
        // U+1F34E is above U+FF21 by code point, though its first UTF-16 unit is below.
        assertThat(winner("max", name, astral, fullWidth)).isEqualTo(astral);

        Map<String, String> at = Map.of("column", "at");
        RowState early = version("a", 9).col("at", ColumnValue.of(Instant.parse("2024-01-01T00:00:00Z"))).build();
        RowState late = version("b", 1).col("at", ColumnValue.of(Instant.parse("2025-01-01T00:00:00Z"))).build();
        assertThat(winner("max", at, early, late)).isEqualTo(late);
        assertThat(winner("min", at, early, late)).isEqualTo(early);
    }

    @Test
    void aMissingValueLosesToAnyValueForMaxAndMinAlike() {
        Map<String, String> price = Map.of("column", "price");
        RowState nullPrice = version("a", 99).col("price", ColumnValue.NULL).build();
        RowState deleted = version("b", 99).deleted().build();
        RowState absent = version("e", 99).col("other", 1).build();
        RowState one = version("c", 1).col("price", 1).build();
        for (String rule : List.of("max", "min")) {
            assertThat(winner(rule, price, nullPrice, one)).as(rule).isEqualTo(one);
            assertThat(winner(rule, price, deleted, one)).as(rule).isEqualTo(one);
            assertThat(winner(rule, price, absent, one)).as(rule).isEqualTo(one);
            // Neither has a value: last writer (b > a at the same clock).
            assertThat(winner(rule, price, nullPrice, deleted)).as(rule).isEqualTo(deleted);
        }
    }

    @Test
    void columnLastWriterWinsKeepsConcurrentChangesOfDifferentColumns() {
        RowState east = version("east", 10).vv("east:1,west:1").col("name", "Ann B.").col("phone", "111")
                .stamp("name", 10, "east").stamp("phone", 3, "west").build();
        RowState west = version("west", 11).vv("west:2").seq(2).col("name", "Ann").col("phone", "222")
                .stamp("name", 2, "east").stamp("phone", 11, "west").build();

        for (Resolution r : bothOrders("column-last-writer-wins", Map.of(), east, west)) {
            assertThat(r.winner()).isEqualTo(Winner.MERGED);
            assertThat(r.rule()).isEqualTo("column-last-writer-wins");
            RowState merged = r.result();
            assertThat(merged.columns()).containsExactlyInAnyOrderEntriesOf(
                    Map.of("name", ColumnValue.of("Ann B."), "phone", ColumnValue.of("222")));
            assertThat(merged.columnStamps()).isEqualTo(Map.of("name", new ColumnStamp(10, SiteId.of("east")),
                    "phone", new ColumnStamp(11, SiteId.of("west"))));
            assertThat(merged.origin()).isEqualTo(SiteId.of("west"));
            assertThat(merged.hlc()).isEqualTo(11);
            assertThat(merged.sequence()).isEqualTo(2);
        }
    }

    @Test
    void columnLastWriterWinsStampsUnstampedColumnsWithTheVersionsOwnWrite() {
        RowState older = version("a", 5).col("x", 1).col("y", 1).stamp("y", 9, "c").build();
        RowState newer = version("b", 7).col("x", 2).col("y", 2).build();
        RowState merged = winner("column-last-writer-wins", Map.of(), older, newer);
        assertThat(merged.columns()).containsEntry("x", ColumnValue.of(2L)).containsEntry("y", ColumnValue.of(1L));
    }

    @Test
    void columnLastWriterWinsDeletesWhenTheDeletionIsNewerElseNullsWhatTheDeletionErased() {
        RowState update = version("a", 10).col("x", 1).col("y", 5).stamp("x", 10, "a").stamp("y", 2, "c").build();
        RowState newerDelete = version("b", 20).deleted().build();
        assertThat(winner("column-last-writer-wins", Map.of(), update, newerDelete)).isEqualTo(newerDelete);

        RowState olderDelete = version("b", 6).deleted().build();
        RowState kept = winner("column-last-writer-wins", Map.of(), update, olderDelete);
        assertThat(kept.deleted()).isFalse();
        // y was last written at 2, before the deletion at 6: the deletion erased it.
        assertThat(kept.columns()).containsEntry("x", ColumnValue.of(1L)).containsEntry("y", ColumnValue.NULL);
        assertThat(kept.columnStamps()).containsEntry("y", new ColumnStamp(6, SiteId.of("b")));
    }

    @Test
    void deltaAddsConcurrentIncrementsInBothOrders() {
        // qty was 10 everywhere; a adds 3, b adds 5, neither seeing the other.
        RowState atA = version("a", 5).vv("a:1").col("qty", 13).counter("qty", "a", 3).build();
        RowState atB = version("b", 6).vv("b:1").col("qty", 15).counter("qty", "b", 5).build();
        for (Resolution r : bothOrders("delta", Map.of("columns", "qty"), atA, atB)) {
            assertThat(r.winner()).isEqualTo(Winner.MERGED);
            assertThat(r.result().columns()).containsEntry("qty", ColumnValue.of(18L));
            assertThat(r.result().counters()).isEqualTo(Map.of("qty",
                    Map.of(SiteId.of("a"), 3L, SiteId.of("b"), 5L)));
        }
    }

    @Test
    void deltaAcrossThreeSitesCountsEverySitesLatestChangeOnce() {
        // Base 10. a added 3 (a:1); b saw that and added 5 (a:1,b:1) -> 18;
        // a then added 1 more without seeing b (a:2, cumulative 4) -> 14; c subtracted 2 alone (c:1) -> 8.
        Map<String, String> options = Map.of("columns", "qty");
        RowState b = version("b", 7).vv("a:1,b:1").col("qty", 18).counter("qty", "a", 3).counter("qty", "b", 5)
                .build();
        RowState a = version("a", 8).vv("a:2").seq(2).col("qty", 14).counter("qty", "a", 4).build();
        RowState c = version("c", 6).vv("c:1").col("qty", 8).counter("qty", "c", -2).build();
        List<List<RowState>> orders = List.of(List.of(a, b, c), List.of(a, c, b), List.of(b, a, c),
                List.of(b, c, a), List.of(c, a, b), List.of(c, b, a));
        for (List<RowState> order : orders) {
            RowState state = order.get(0);
            for (RowState next : order.subList(1, 3)) {
                state = resolve("delta", options, state, next).result();
            }
            assertThat(state.columns()).as(order.toString()).containsEntry("qty", ColumnValue.of(10L + 4 + 5 - 2));
        }
    }

    @Test
    void deltaKeepsDecimalScaleAndLeavesOtherColumnsToTheLastWriter() {
        Map<String, String> options = Map.of("columns", "balance");
        RowState atA = version("a", 5).vv("a:1").col("balance", ColumnValue.of(new BigDecimal("100.50")))
                .col("note", "a").counter("balance", "a", 10).build();
        RowState atB = version("b", 6).vv("b:1").col("balance", ColumnValue.of(new BigDecimal("88.50")))
                .col("note", "b").counter("balance", "b", -2).build();
        RowState merged = winner("delta", options, atA, atB);
        assertThat(merged.columns()).containsEntry("balance", ColumnValue.of(new BigDecimal("98.50")))
                .containsEntry("note", ColumnValue.of("b"));
    }

    @Test
    void deltaRefusesACounterColumnThatHoldsText() {
        Map<String, String> options = Map.of("columns", "qty");
        RowState atA = version("a", 5).vv("a:1").col("qty", "three").counter("qty", "a", 3).build();
        RowState atB = version("b", 6).vv("b:1").col("qty", "five").counter("qty", "b", 5).build();
        assertThatThrownBy(() -> resolve("delta", options, atA, atB))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("counter column qty of public.t holds a TextValue")
                .hasMessageContaining("conflict.resolver.public.t.columns");
    }

    private static RowState winner(String rule, Map<String, String> options, RowState x, RowState y) {
        List<Resolution> both = bothOrders(rule, options, x, y);
        assertThat(both.get(0).result()).as("same result in both orders").isEqualTo(both.get(1).result());
        RowState result = both.get(0).result();
        assertThat(result.vv()).as("joined vector").isEqualTo(x.vv().join(y.vv()));
        // A whole input that won is returned as that input, so tests can compare with it directly.
        for (RowState input : List.of(x, y)) {
            if (result.equals(input.withVv(result.vv()))) {
                return input;
            }
        }
        return result;
    }

    private static List<Resolution> bothOrders(String rule, Map<String, String> options, RowState x, RowState y) {
        List<Resolution> both = new ArrayList<>();
        both.add(resolve(rule, options, x, y));
        both.add(resolve(rule, options, y, x));
        return both;
    }

    private static Resolution resolve(String rule, Map<String, String> options, RowState local, RowState incoming) {
        Map<String, String> settings = new HashMap<>();
        settings.put("conflict.resolver." + TABLE, rule);
        options.forEach((option, value) -> settings.put("conflict.resolver." + TABLE + "." + option, value));
        return ResolverRegistry.from(settings, List.of(TABLE))
                .resolve(TABLE, ConflictType.of(local, incoming), local, incoming);
    }
}
