package io.syncline.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyPlanTest {

    @Test
    void firstAboveIsTheSmallestValueOfTheSlotAboveTheFloor() {
        KeyPlan plan = KeyPlan.interleaved(16, 3);
        assertThat(plan.firstAbove(1_000_000)).isEqualTo(1_000_003);
        assertThat(plan.firstAbove(1_000_003)).isEqualTo(1_000_019);
        assertThat(plan.firstAbove(0)).isEqualTo(3);
        assertThat(plan.firstAbove(Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE + 3);
        assertThat(plan.firstAbove(-20)).isEqualTo(-13);
    }

    @Test
    void theLastSlotOwnsTheMultiplesOfTheStep() {
        KeyPlan plan = KeyPlan.interleaved(16, 16);
        assertThat(plan.firstAbove(0)).isEqualTo(16);
        assertThat(plan.firstAbove(16)).isEqualTo(32);
        assertThat(plan.owns(48)).isTrue();
        assertThat(plan.owns(49)).isFalse();
    }

    @Test
    void noValueIsNearTheTopOfTheRange() {
        KeyPlan plan = KeyPlan.interleaved(16, 3);
        assertThatThrownBy(() -> plan.firstAbove(Long.MAX_VALUE - 1)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void slotsOfOneStepNeverShareAValue() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int step = 2 + random.nextInt(30);
        Set<Long> seen = new HashSet<>();
        for (int offset = 1; offset <= step; offset++) {
            KeyPlan plan = KeyPlan.interleaved(step, offset);
            long value = plan.firstAbove(random.nextInt(1000));
            for (int i = 0; i < 200; i++) {
                assertThat(plan.owns(value)).as("seed %d", seed).isTrue();
                assertThat(seen.add(value)).as("seed %d: value %d of slot %d of %d seen before", seed, value, offset, step)
                        .isTrue();
                value = plan.firstAbove(value);
            }
        }
    }

    @Test
    void badSettingsNameTheKey() {
        assertThatThrownBy(() -> KeyPlan.interleaved(1, 1)).hasMessageContaining("keys.step was 1");
        assertThatThrownBy(() -> KeyPlan.interleaved(16, 17)).hasMessageContaining("keys.site.offset was 17");
        assertThatThrownBy(() -> KeyKind.of("snowflake")).hasMessageContaining("keys.kind was 'snowflake'");
        assertThat(KeyKind.of("interleaved")).isEqualTo(KeyKind.INTERLEAVED);
        assertThat(KeyKind.NONE.configName()).isEqualTo("none");
    }

    @Test
    void blocksPlansCheckTheirSizeAndLowWaterAndBlocksCountWhatIsLeft() {
        assertThat(KeyKind.of("coordinator-blocks")).isEqualTo(KeyKind.COORDINATOR_BLOCKS);
        assertThat(new KeyPlan(KeyKind.COORDINATOR_BLOCKS, 16, 0).lowWater()).isEqualTo(2_000);
        assertThatThrownBy(() -> KeyPlan.coordinatorBlocks(5, 1)).hasMessageContaining("keys.block.size was 5");
        assertThatThrownBy(() -> KeyPlan.coordinatorBlocks(100, 100)).hasMessageContaining("keys.block.low.water was 100");
        assertThatThrownBy(() -> KeyPlan.coordinatorBlocks(100, 0)).hasMessageContaining("keys.block.low.water was 0");
        SequenceBlock block = new SequenceBlock(101, 200);
        assertThat(block.remainingFrom(101)).isEqualTo(100);
        assertThat(block.remainingFrom(1)).isEqualTo(100);
        assertThat(block.remainingFrom(200)).isEqualTo(1);
        assertThat(block.remainingFrom(201)).isZero();
        assertThatThrownBy(() -> new SequenceBlock(10, 9)).hasMessageContaining("[10, 9]");
    }
}
