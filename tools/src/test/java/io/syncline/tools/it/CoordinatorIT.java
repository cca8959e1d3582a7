package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.conflict.coordinator.CoordinatorClient;
import io.syncline.conflict.coordinator.CoordinatorCluster;
import io.syncline.conflict.coordinator.PartitionLease;
import io.syncline.testkit.Deadlines;
import io.syncline.testkit.EmbeddedConnect;
import io.syncline.testkit.FreePort;
import io.syncline.tools.embedded.EmbeddedStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Raft coordinator on the real stack: three in-process Ratis peers, sinks holding one lease per
 * partition, the REST endpoints, applies across a leader failover, a zombie sink task fenced by the
 * database, and a lost majority pausing applies until it returns.
 */
class CoordinatorIT {

    private static final String TABLE = "public.fenced";
    private static final int PARTITIONS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedStack stack;
    private static Path freeze;

    @BeforeAll
    static void startStack() throws Exception {
        String group = "coord" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres").withGroup(group)
                .withCoordinators(3));
        stack.applySql("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, v text)");
        freeze = Files.createTempDirectory("syncline-freeze-").resolve("freeze");
        stack.startSync(List.of(TABLE), Map.of("apply.ledger.enabled", "true", "coordinator.lease.ttl.ms", "2000"),
                Map.of("b", Map.of("tasks.max", "2", "syncline.test.freeze.file", freeze.toString(),
                        "consumer.override.max.poll.interval.ms", "6000")));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void restShowsTheCoordinatorAndEveryPartitionLease() throws Exception {
        JsonNode coordinator = get("/syncline/coordinator");
        assertThat(coordinator.path("leader").asText()).isNotEmpty();
        assertThat(coordinator.path("peers")).hasSize(3);
        Deadlines.await("every partition of both sinks leased", Duration.ofSeconds(60),
                () -> get("/syncline/leases").path("leases").size() >= 2 * PARTITIONS, () -> "fewer leases");
        for (JsonNode lease : get("/syncline/leases").path("leases")) {
            assertThat(lease.path("epoch").asLong()).isPositive();
            assertThat(lease.path("holder").asText()).isNotEmpty();
        }
    }

    @Test
    void appliesContinueWhenTheCoordinatorLeaderIsKilled() throws Exception {
        CoordinatorCluster cluster = stack.coordinator().orElseThrow();
        String leader = cluster.leaderId().orElseThrow();
        long killedAt = System.nanoTime();
        cluster.stop(leader);
        try {
            StackSql.execute(stack, "a", "INSERT INTO " + TABLE + " VALUES (1000, 'after the leader died')");
            awaitValue("b", 1000, "after the leader died");
            System.out.printf("CoordinatorIT: first change after the leader was killed applied at b %d ms after the kill%n",
                    (System.nanoTime() - killedAt) / 1_000_000);
            try (CoordinatorClient client = CoordinatorClient.connect(cluster.peersSpec())) {
                Deadlines.await("a new coordinator leader", Duration.ofSeconds(30),
                        () -> client.status().leader().filter(l -> !l.equals(leader)).isPresent(), () -> "none");
                System.out.printf("CoordinatorIT: new leader %s %d ms after the kill%n", client.status().leader().get(),
                        (System.nanoTime() - killedAt) / 1_000_000);
            }
        } finally {
            cluster.restart(leader);
        }
    }

    @Test
    void aFrozenSinkTaskWhoseLeaseMovedOnIsFencedByTheDatabase() throws Exception {
        long id = 2000;
        String key = TABLE + "/" + id;
        int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
        StackSql.execute(stack, "a", "INSERT INTO " + TABLE + " VALUES (" + id + ", 'v1')");
        awaitValue("b", id, "v1");
        // The coordinator answers from its state machine; right after a leader change (the test before
        // restarts one) the lease may not be visible for a moment.
        Deadlines.await("the coordinator shows the lease of partition " + partition + " of b", Duration.ofSeconds(30),
                () -> findLease("b", partition).isPresent(), () -> "no lease of b/" + partition);
        PartitionLease before = lease("b", partition);

        Files.createFile(freeze);
        StackSql.execute(stack, "a", "UPDATE " + TABLE + " SET v = 'v2' WHERE id = " + id);
        Path taken = Path.of(freeze + ".taken");
        Deadlines.await("a sink task of b froze holding the batch with v2", Duration.ofSeconds(30),
                () -> Files.exists(taken), () -> "not frozen");
        // Another holder, not only a newer epoch: the frozen task itself may have re-acquired its lease
        // with a newer epoch before it froze (its lease can lapse while the test before restarts a peer).
        Deadlines.await("partition " + partition + " of b leased to another task with a newer epoch",
                Duration.ofSeconds(90),
                () -> findLease("b", partition)
                        .map(l -> l.epoch() > before.epoch() && !l.holder().equals(before.holder())).orElse(false),
                () -> describeLease("b", partition));
        PartitionLease after = lease("b", partition);
        assertThat(after.holder()).isNotEqualTo(before.holder());
        awaitValue("b", id, "v2");
        StackSql.execute(stack, "a", "UPDATE " + TABLE + " SET v = 'v3' WHERE id = " + id);
        awaitValue("b", id, "v3");
        long storedBefore = storedOffset("b", partition);

        Files.delete(freeze);
        Path outcome = Path.of(freeze + ".outcome");
        Deadlines.await("the frozen task tried to commit its stale batch", Duration.ofSeconds(60),
                () -> Files.exists(outcome), () -> "no attempt yet");
        assertThat(Files.readString(outcome)).as("what the database did with the zombie's batch").isEqualTo("fenced");
        assertThat(StackSql.query(stack, "b", "SELECT v FROM " + TABLE + " WHERE id = " + id)).isEqualTo("v3");
        assertThat(storedOffset("b", partition)).as("stored offset never went back").isGreaterThanOrEqualTo(storedBefore);
        assertThat(StackSql.query(stack, "b", "SELECT count(*) - count(DISTINCT (dot_origin, dot_seq)) FROM syncline.apply_ledger "
                + "WHERE table_name = '" + TABLE + "'")).as("dots applied twice at b").isEqualTo("0");
    }

    @Test
    void withoutAMajorityAppliesPauseAfterTheLeasesExpireAndResumeWhenItReturns() throws Exception {
        CoordinatorCluster cluster = stack.coordinator().orElseThrow();
        List<String> down = cluster.ids().stream().limit(2).toList();
        for (String peer : down) {
            cluster.stop(peer);
        }
        try {
            // Leases last 2 s and cannot be renewed now; wait them out, then write.
            Deadlines.await("b's leases expired", Duration.ofSeconds(30),
                    () -> System.currentTimeMillis() > lastExpiry() + 500, () -> "leases still valid");
            StackSql.execute(stack, "a", "INSERT INTO " + TABLE + " VALUES (3000, 'while the majority is down')");
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < until) {
                assertThat(StackSql.query(stack, "b", "SELECT count(*) FROM " + TABLE + " WHERE id = 3000"))
                        .as("applied at b without a lease").isEqualTo("0");
                Deadlines.pause(Duration.ofMillis(200));
            }
        } finally {
            for (String peer : down) {
                cluster.restart(peer);
            }
        }
        awaitValue("b", 3000, "while the majority is down");
    }

    @Test
    void aWorkerCanRunACoordinatorPeerItself() throws Exception {
        int port = FreePort.onLoopback();
        Path dir = Files.createTempDirectory("syncline-worker-peer-");
        try (var worker = EmbeddedConnect.start(stack.kafka().bootstrapServers(),
                EmbeddedStack.defaultPluginPath(), Map.of(
                        "rest.extension.classes", "io.syncline.connector.rest.SynclineRestExtension",
                        "syncline.coordinator.peers", "w1=127.0.0.1:" + port,
                        "syncline.coordinator.peer.id", "w1",
                        "syncline.coordinator.dir", dir.toString()))) {
            String url = worker.restUrl() + "/syncline/coordinator";
            Deadlines.await("the worker's own peer leads its one-peer group", Duration.ofSeconds(30), () -> {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && "w1".equals(JSON.readTree(r.body()).path("leader").asText());
            }, () -> "no leader yet");
        }
    }

    private static long cachedExpiry;

    private static long lastExpiry() {
        if (cachedExpiry == 0) {
            try (CoordinatorClient client = CoordinatorClient.connect(stack.coordinator().orElseThrow().peersSpec())) {
                cachedExpiry = client.leases().stream().mapToLong(PartitionLease::expiresAtMillis).max().orElse(0);
            } catch (RuntimeException e) {
                // No majority: the leases cannot be read; they were renewed at most one TTL ago.
                cachedExpiry = System.currentTimeMillis() + 2000;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return cachedExpiry;
    }

    private static PartitionLease lease(String site, int partition) throws Exception {
        return findLease(site, partition)
                .orElseThrow(() -> new IllegalStateException("no lease of " + site + "/" + partition));
    }

    private static Optional<PartitionLease> findLease(String site, int partition) throws Exception {
        try (CoordinatorClient client = CoordinatorClient.connect(stack.coordinator().orElseThrow().peersSpec())) {
            return client.leases().stream().filter(l -> l.site().equals(site) && l.partition() == partition)
                    .findFirst();
        }
    }

    private static String describeLease(String site, int partition) {
        try {
            return String.valueOf(lease(site, partition));
        } catch (Exception e) {
            return "? (" + e.getMessage() + ")";
        }
    }

    private static long storedOffset(String site, int partition) throws SQLException {
        return Long.parseLong(StackSql.query(stack, site, "SELECT coalesce(max(next_offset), 0) FROM syncline.offsets "
                + "WHERE kafka_partition = " + partition));
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(stack.connect().restUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static void awaitValue(String site, long id, String value) {
        String sql = "SELECT v FROM " + TABLE + " WHERE id = " + id;
        Deadlines.await(site + " has " + value + " for id " + id, Duration.ofSeconds(90),
                () -> value.equals(StackSql.query(stack, site, sql)), () -> StackSql.quietly(stack, site, sql) + ", failures " + stack.failures());
    }

}
