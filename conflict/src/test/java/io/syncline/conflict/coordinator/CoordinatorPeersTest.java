package io.syncline.conflict.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoordinatorPeersTest {

    @Test
    void parsesIdsAndAddressesInOrder() {
        CoordinatorPeers peers = CoordinatorPeers.parse(" n2=127.0.0.1:9872, n1=10.0.0.1:9871 ,n3=host-3.example:1");
        assertThat(peers.ids()).containsExactly("n2", "n1", "n3");
        assertThat(peers.addresses()).containsEntry("n1", "10.0.0.1:9871");
        assertThat(peers.spec()).isEqualTo("n2=127.0.0.1:9872,n1=10.0.0.1:9871,n3=host-3.example:1");
        assertThat(CoordinatorPeers.parse(peers.spec())).isEqualTo(peers);
        assertThat(peers.group().getPeers()).hasSize(3);
    }

    @Test
    void rejectsBadSpecsNamingThePart() {
        assertThatThrownBy(() -> CoordinatorPeers.parse("")).hasMessageContaining("blank");
        assertThatThrownBy(() -> CoordinatorPeers.parse("n1=127.0.0.1:1,127.0.0.1:2"))
                .hasMessageContaining("'127.0.0.1:2'").hasMessageContaining("is not id=host:port");
        assertThatThrownBy(() -> CoordinatorPeers.parse("n1=127.0.0.1"))
                .hasMessageContaining("address of coordinator peer n1 was '127.0.0.1', must be host:port");
        assertThatThrownBy(() -> CoordinatorPeers.parse("n1=h:x")).hasMessageContaining("the port is not a number");
        assertThatThrownBy(() -> CoordinatorPeers.parse("n1=h:70000")).hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> CoordinatorPeers.parse("n1=h:1,n1=h:2")).hasMessageContaining("n1 appears twice");
        assertThatThrownBy(() -> CoordinatorPeers.parse("n 1=h:1")).hasMessageContaining("peer id was 'n 1'");
    }

    @Test
    void theGroupIdIsFixed() {
        assertThat(CoordinatorPeers.GROUP_ID.getUuid().toString()).isEqualTo("2928edcf-3e5c-3737-9dac-230d37d924ab");
    }

    @Test
    void tuningIsChecked() {
        assertThat(CoordinatorTuning.fast().electionTimeoutMax()).isLessThan(Duration.ofMillis(500));
        assertThat(CoordinatorTuning.defaults().snapshotThreshold()).isEqualTo(10_000);
        assertThatThrownBy(() -> new CoordinatorTuning(Duration.ofMillis(300), Duration.ofMillis(150),
                Duration.ofSeconds(1), 10, 4096)).hasMessageContaining("electionTimeoutMax was PT0.15S");
        assertThatThrownBy(() -> CoordinatorTuning.fast().withSnapshotThreshold(0))
                .hasMessage("snapshotThreshold was 0, must be >= 1");
        assertThatThrownBy(() -> CoordinatorPeer.start("n9", Map.of("n1", "127.0.0.1:1"),
                Path.of("unused"), CoordinatorTuning.fast()))
                .hasMessage("coordinator peer id was n9, must be one of " + List.of("n1"));
    }
}
