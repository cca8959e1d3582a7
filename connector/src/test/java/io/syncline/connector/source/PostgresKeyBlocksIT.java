package io.syncline.connector.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.conflict.coordinator.CoordinatorClient;
import io.syncline.conflict.coordinator.CoordinatorCluster;
import io.syncline.conflict.coordinator.CoordinatorTuning;
import io.syncline.conflict.coordinator.KeyBlock;
import io.syncline.core.apply.Engine;
import io.syncline.core.site.KeyInstaller;
import io.syncline.core.site.KeyPlan;
import io.syncline.core.site.KeySequence;
import io.syncline.core.site.SequenceBlock;
import io.syncline.core.site.TableRef;
import io.syncline.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code keys.kind=coordinator-blocks} on a real PostgreSQL server with a real three-peer Ratis
 * coordinator: a sequence is bounded to its block above every existing key, topped up before it
 * runs out (extended when the next block follows on, moved when another site took the values in
 * between), and with the coordinator down a spent block makes inserts fail with PostgreSQL's own
 * error, until the coordinator is back.
 */
class PostgresKeyBlocksIT {

    private static final KeyInstaller INSTALLER = Engine.POSTGRES.keyInstaller();
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static PostgresServer postgres;
    private static CoordinatorCluster coordinator;
    private static String group;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("syncline-keyblocks-");
        postgres = PostgresServer.start(dir, "blocks");
        coordinator = CoordinatorCluster.start(3, dir.resolve("coordinator"), CoordinatorTuning.fast());
        coordinator.awaitLeader(Duration.ofSeconds(30));
        group = "g" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
    }

    @AfterAll
    static void stop() {
        if (coordinator != null) {
            coordinator.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aSequenceIsBoundedToItsBlockAndToppedUpBeforeItRunsOut() throws Exception {
        String table = "tickets_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        TableRef ref = TableRef.parse(table);
        KeyPlan plan = KeyPlan.coordinatorBlocks(100, 20);
        try (Connection c = postgres.connect();
                CoordinatorKeyBlocks a = CoordinatorKeyBlocks.connect(coordinator.peersSpec(), group, "a", PATIENCE);
                CoordinatorKeyBlocks b = CoordinatorKeyBlocks.connect(coordinator.peersSpec(), group, "b", PATIENCE);
                CoordinatorClient client = CoordinatorClient.connect(coordinator.peersSpec())) {
            execute(c, "CREATE TABLE public." + table + " (id bigserial PRIMARY KEY, title text)",
                    "INSERT INTO public." + table + " (title) SELECT 't' || g FROM generate_series(1, 5) g",
                    "INSERT INTO public." + table + " (id, title) VALUES (1000, 'imported')");

            List<KeySequence> installed = INSTALLER.install(c, List.of(ref), plan, a);

            assertThat(installed).singleElement().satisfies(key -> {
                assertThat(key.kind()).isEqualTo("coordinator-blocks");
                assertThat(key.action()).isEqualTo(KeySequence.Action.CONVERTED);
                assertThat(key.block()).contains(new SequenceBlock(1001, 1100));
                assertThat(key.next()).isEqualTo(1001);
            });
            assertThat(insert(c, table, 2)).containsExactly(1001L, 1002L);
            assertThat(INSTALLER.install(c, List.of(ref), plan, a)).singleElement()
                    .satisfies(key -> assertThat(key.action()).as("a second run keeps the block")
                            .isEqualTo(KeySequence.Action.UNCHANGED));
            assertThat(INSTALLER.topUp(c, List.of(ref), plan, a)).as("98 values left, above the low water").isEmpty();

            insert(c, table, 83); // up to 1085: 15 values left
            List<KeySequence> extended = INSTALLER.topUp(c, List.of(ref), plan, a);
            assertThat(extended).singleElement().satisfies(key -> {
                assertThat(key.action()).isEqualTo(KeySequence.Action.TOPPED_UP);
                assertThat(key.block()).as("the next block follows on: MAXVALUE extended, nothing skipped")
                        .contains(new SequenceBlock(1001, 1200));
            });
            assertThat(insert(c, table, 1)).containsExactly(1086L);

            SequenceBlock others = b.allocate("public." + table + ".id", 0, 100, "install:0");
            assertThat(others).isEqualTo(new SequenceBlock(1201, 1300));
            insert(c, table, 100); // up to 1186: 14 values left
            List<KeySequence> moved = INSTALLER.topUp(c, List.of(ref), plan, a);
            assertThat(moved).singleElement().satisfies(key -> assertThat(key.block())
                    .as("another site took 1201..1300: restarted in the next block, 1187..1200 skipped")
                    .contains(new SequenceBlock(1301, 1400)));
            assertThat(insert(c, table, 1)).containsExactly(1301L);

            assertThat(INSTALLER.describe(c, List.of(ref), plan)).singleElement().satisfies(key -> {
                assertThat(key.kind()).isEqualTo("coordinator-blocks");
                assertThat(key.remaining()).hasValue(99);
            });
            List<KeyBlock> recorded = client.keyBlocks(group, "public." + table + ".id");
            assertThat(recorded).extracting(KeyBlock::site, KeyBlock::start, KeyBlock::end).containsExactly(
                    tuple("a", 1001L, 1100L),
                    tuple("a", 1101L, 1200L),
                    tuple("b", 1201L, 1300L),
                    tuple("a", 1301L, 1400L));
            assertThat(single(c, "SELECT string_agg(id::text, ',' ORDER BY id) FROM public." + table
                    + " WHERE id <= 1000")).as("existing rows keep their keys").isEqualTo("1,2,3,4,5,1000");
        }
    }

    @Test
    void identityAndSerialColumnsAreBoundedToo() throws Exception {
        String table = "notes_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        try (Connection c = postgres.connect();
                CoordinatorKeyBlocks a = CoordinatorKeyBlocks.connect(coordinator.peersSpec(), group, "a", PATIENCE)) {
            execute(c, "CREATE TABLE public." + table + " (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                    + "n serial)", "INSERT INTO public." + table + " DEFAULT VALUES");
            List<KeySequence> keys = INSTALLER.install(c, List.of(TableRef.parse(table)),
                    KeyPlan.coordinatorBlocks(50, 10), a);
            assertThat(keys).extracting(k -> k.column() + "=" + k.block().orElseThrow())
                    .containsExactly("id=[2, 51]", "n=[2, 51]");
            assertThat(single(c, "INSERT INTO public." + table + " DEFAULT VALUES RETURNING id || '/' || n"))
                    .isEqualTo("2/2");
        }
    }

    @Test
    void withTheCoordinatorDownASpentBlockFailsInsertsWithPostgresOwnErrorUntilItIsBack() throws Exception {
        String table = "orders_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        TableRef ref = TableRef.parse(table);
        KeyPlan plan = KeyPlan.coordinatorBlocks(10, 3);
        try (Connection c = postgres.connect();
                CoordinatorKeyBlocks a = CoordinatorKeyBlocks.connect(coordinator.peersSpec(), group, "a",
                        Duration.ofSeconds(1))) {
            execute(c, "CREATE TABLE public." + table + " (id bigserial PRIMARY KEY)");
            SequenceBlock block = INSTALLER.install(c, List.of(ref), plan, a).get(0).block().orElseThrow();
            List<String> stopped = new ArrayList<>(coordinator.running());
            for (String peer : stopped) {
                coordinator.stop(peer);
            }
            try {
                assertThat(insert(c, table, 8)).last().isEqualTo(block.start() + 7);
                assertThat(INSTALLER.topUp(c, List.of(ref), plan, a)).as("no coordinator: nothing moved, nothing thrown")
                        .isEmpty();
                assertThat(insert(c, table, 2)).last().isEqualTo(block.end());
                assertThatThrownBy(() -> insert(c, table, 1)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("reached maximum value of sequence");
            } finally {
                for (String peer : stopped) {
                    coordinator.restart(peer);
                }
            }
            coordinator.awaitLeader(Duration.ofSeconds(30));
            try (CoordinatorKeyBlocks patient = CoordinatorKeyBlocks.connect(coordinator.peersSpec(), group, "a",
                    PATIENCE)) {
                assertThat(INSTALLER.topUp(c, List.of(ref), plan, patient)).singleElement()
                        .satisfies(key -> assertThat(key.block()).isPresent());
            }
            assertThat(insert(c, table, 1)).singleElement().satisfies(id -> assertThat(id).isGreaterThan(block.end()));
        }
    }

    private static List<Long> insert(Connection c, String table, int rows) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            for (int i = 0; i < rows; i++) {
                try (ResultSet rs = st.executeQuery("INSERT INTO public." + table + " DEFAULT VALUES RETURNING id")) {
                    rs.next();
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    private static void execute(Connection c, String... statements) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
