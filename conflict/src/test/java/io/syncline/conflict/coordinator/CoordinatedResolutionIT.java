package io.syncline.conflict.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.conflict.ResolverRegistry;
import io.syncline.conflict.testkit.PreferLocalCoordinated;
import io.syncline.core.ColumnValue;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import io.syncline.core.apply.ConflictType;
import io.syncline.core.apply.Resolution;
import io.syncline.core.apply.RowState;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A conflict whose resolver needs coordination is decided once through the Raft log of a real
 * three-peer group: two sites that would each keep their own version both apply the recorded one.
 */
class CoordinatedResolutionIT {

    private static final String TABLE = "public.orders";
    private static CoordinatorCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = CoordinatorCluster.start(3, Files.createTempDirectory("syncline-decide-"), CoordinatorTuning.fast());
        cluster.awaitLeader(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everySiteAppliesTheDecisionTheFirstSiteRecorded() {
        Map<String, String> settings = Map.of("conflict.resolver." + TABLE, PreferLocalCoordinated.class.getName());
        RowState atA = version("a", 5, "kept at a");
        RowState atB = version("b", 7, "kept at b");
        try (CoordinatorClient siteA = CoordinatorClient.connect(cluster.peersSpec());
                CoordinatorClient siteB = CoordinatorClient.connect(cluster.peersSpec())) {
            ResolverRegistry registryA = ResolverRegistry.from(settings, List.of(TABLE))
                    .withDecisions((key, proposal) -> siteA.decide("shop", key, proposal));
            ResolverRegistry registryB = ResolverRegistry.from(settings, List.of(TABLE))
                    .withDecisions((key, proposal) -> siteB.decide("shop", key, proposal));

            Resolution first = registryB.resolve(TABLE, ConflictType.UPDATE_UPDATE, atB, atA);
            Resolution second = registryA.resolve(TABLE, ConflictType.UPDATE_UPDATE, atA, atB);

            assertThat(first.winner()).isEqualTo(Resolution.Winner.LOCAL);
            assertThat(second.winner()).as("site a applies b's recorded choice, not its own preference")
                    .isEqualTo(Resolution.Winner.INCOMING);
            assertThat(second.result().columns()).isEqualTo(first.result().columns())
                    .containsEntry("v", ColumnValue.of("kept at b"));
            assertThat(second.result().vv()).isEqualTo(first.result().vv());
            assertThat(first.rule()).isEqualTo("prefer-local (coordinated)");
            assertThat(siteA.decision("shop", TABLE + "|a:5|b:7")).contains("b:7");
        }
    }

    @Test
    void threeSitesMeetingTheConflictInDifferentOrdersApplyTheSameDecision() {
        Map<String, String> settings = Map.of("conflict.resolver." + TABLE, PreferLocalCoordinated.class.getName());
        RowState fromA = version("a", 11, "written at a");
        RowState fromB = version("b", 12, "written at b");
        try (CoordinatorClient client = CoordinatorClient.connect(cluster.peersSpec())) {
            Map<String, ResolverRegistry> sites = new LinkedHashMap<>();
            for (String site : List.of("a", "b", "c")) {
                sites.put(site, ResolverRegistry.from(settings, List.of(TABLE))
                        .withDecisions((key, proposal) -> client.decide("shop3", key, proposal)));
            }
            // c holds b's version when a's arrives; a and b each hold their own: every site prefers what it holds.
            Resolution atC = sites.get("c").resolve(TABLE, ConflictType.UPDATE_UPDATE, fromB, fromA);
            Resolution atA = sites.get("a").resolve(TABLE, ConflictType.UPDATE_UPDATE, fromA, fromB);
            Resolution atB = sites.get("b").resolve(TABLE, ConflictType.UPDATE_UPDATE, fromB, fromA);
            for (Resolution r : List.of(atA, atB)) {
                assertThat(r.result().columns()).isEqualTo(atC.result().columns());
                assertThat(r.result().vv()).isEqualTo(atC.result().vv());
            }
            assertThat(atC.result().columns()).containsEntry("v", ColumnValue.of("written at b"));
        }
    }

    @Test
    void withoutACoordinatorTheConflictIsNotDecidedSilently() {
        ResolverRegistry registry = ResolverRegistry.from(
                Map.of("conflict.resolver." + TABLE, PreferLocalCoordinated.class.getName()), List.of(TABLE));
        assertThatThrownBy(() -> registry.resolve(TABLE, ConflictType.UPDATE_UPDATE, version("a", 1, "x"),
                version("b", 2, "y"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("coordinator.peers");
    }

    private static RowState version(String site, long seq, String value) {
        return RowState.of(Map.of("id", ColumnValue.of(1L), "v", ColumnValue.of(value)),
                VersionVector.empty().with(SiteId.of(site), seq), seq << 16, SiteId.of(site), seq);
    }

}
