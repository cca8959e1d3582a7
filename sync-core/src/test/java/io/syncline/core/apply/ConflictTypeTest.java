package io.syncline.core.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConflictTypeTest {

    @Test
    void labelsAreThoseOfTheConflictLog() {
        assertThat(List.of(ConflictType.values()).stream().map(ConflictType::label)).containsExactly(
                "insert/insert", "update/update", "update/delete", "delete/delete", "foreign-key", "unique-key");
    }
}
