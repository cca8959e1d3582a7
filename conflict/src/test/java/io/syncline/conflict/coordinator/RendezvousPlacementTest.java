package io.syncline.conflict.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendezvousPlacementTest {

    private static final List<String> FOUR = List.of("worker-1", "worker-2", "worker-3", "worker-4");

    @Test
    void spreadsPartitionsEvenly() {
        Map<Integer, String> placement = RendezvousPlacement.place(FOUR, "orders", "east", 1000);
        Map<String, Integer> counts = new HashMap<>();
        placement.values().forEach(owner -> counts.merge(owner, 1, Integer::sum));
        assertThat(counts).containsOnlyKeys(FOUR);
        assertThat(counts.values()).as("partitions per candidate " + counts).allSatisfy(n -> assertThat(n).isBetween(212, 288));
    }

    @Test
    void removingACandidateMovesOnlyItsPartitions() {
        Map<Integer, String> before = RendezvousPlacement.place(FOUR, "orders", "east", 1000);
        List<String> three = new ArrayList<>(FOUR);
        three.remove("worker-3");
        Map<Integer, String> after = RendezvousPlacement.place(three, "orders", "east", 1000);
        before.forEach((partition, owner) -> {
            if (!owner.equals("worker-3")) {
                assertThat(after.get(partition)).as("partition " + partition).isEqualTo(owner);
            } else {
                assertThat(after.get(partition)).as("partition " + partition).isNotEqualTo("worker-3");
            }
        });
    }

    @Test
    void addingACandidateMovesPartitionsOnlyToIt() {
        Map<Integer, String> before = RendezvousPlacement.place(FOUR, "orders", "east", 1000);
        List<String> five = new ArrayList<>(FOUR);
        five.add("worker-5");
        Map<Integer, String> after = RendezvousPlacement.place(five, "orders", "east", 1000);
        long moved = before.keySet().stream().filter(p -> !before.get(p).equals(after.get(p))).count();
        before.forEach((p, owner) -> assertThat(after.get(p)).isIn(owner, "worker-5"));
        assertThat(moved).isBetween(150L, 250L);
    }

    @Test
    void theOwnerDependsOnlyOnTheInputsNotOnTheirOrder() {
        List<String> reversed = new ArrayList<>(FOUR);
        Collections.reverse(reversed);
        for (int p = 0; p < 100; p++) {
            assertThat(RendezvousPlacement.owner(reversed, "orders", "east", p))
                    .isEqualTo(RendezvousPlacement.owner(FOUR, "orders", "east", p));
        }
        // Another site places the same partitions independently.
        assertThat(RendezvousPlacement.place(FOUR, "orders", "west", 100))
                .isNotEqualTo(RendezvousPlacement.place(FOUR, "orders", "east", 100));
    }

    @Test
    void rejectsNoCandidates() {
        assertThatThrownBy(() -> RendezvousPlacement.owner(List.of(), "orders", "east", 1))
                .hasMessage("no candidates to own partition orders/east/1");
        assertThatThrownBy(() -> RendezvousPlacement.owner(List.of("a", " "), "orders", "east", 1))
                .hasMessageContaining("candidate was ' '");
    }
}
