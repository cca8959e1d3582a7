package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.conflict.coordinator.CoordinatorClient;
import io.syncline.conflict.coordinator.PartitionLease;
import io.syncline.testkit.ConnectWorkerProcess;
import io.syncline.testkit.Deadlines;
import io.syncline.testkit.SiteServer;
import io.syncline.tools.cli.ConcurrentWorkload;
import io.syncline.tools.embedded.CoordinatorProcesses;
import io.syncline.tools.embedded.EmbeddedStack;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults on the real stack with separate processes: the Kafka broker, two Connect workers (one
 * Connect cluster) and three coordinator peers each in a JVM of their own, three PostgreSQL sites.
 * Each fault happens under a steady write load on hot keys at every site and ends with every site
 * equal, no dot applied twice anywhere, and every shipped change contained in every site's final
 * versions (see {@link MeshAudit}). Each prints its recovery time: from the fault until a change
 * written after it was applied at every other site, and from the end of the load until every site
 * was equal.
 *
 * <p>Short by default (CI); {@code -Pfaults} ({@code -Dsyncline.faults.long=true}) kills a worker 5 times
 * instead of 2, stops the site's database for 30 s instead of 8 s and runs the load longer. Seeded: {@code -Dsyncline.seed=N}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultIT {

    private static final String PROBES = "public.fault_probes";
    private static final int KEYS = 200;
    private static final boolean LONG = Boolean.getBoolean("syncline.faults.long");
    private static final int WORKER_KILLS = LONG ? 5 : 2;
    private static final Duration SITE_DOWN = LONG ? Duration.ofSeconds(30) : Duration.ofSeconds(8);
    private static final long LOAD_AFTER_FAULT = LONG ? 400 : 60;
    private static final Duration LEASE_TTL = Duration.ofSeconds(4);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(180);

    private static final List<String> TABLES = List.of("public.fault_worker", "public.fault_broker",
            "public.fault_site", "public.fault_leader", "public.fault_zombie");

    private static EmbeddedStack stack;
    private static long seed;
    private static final List<String> report = new ArrayList<>();

    @BeforeAll
    static void startStack() throws Exception {
        seed = Long.getLong("syncline.seed", System.nanoTime());
        System.out.println("FaultIT seed " + seed + " (rerun with -Dsyncline.seed=" + seed + ")");
        String group = "fault" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres,c:postgres").withGroup(group)
                .withCoordinators(3).withWorkerProcesses(2));
        System.out.println("FaultIT stack started in " + stack.startupTime().toMillis() + " ms: " + stack.describeJson()
                .replaceAll("\"password\":\"[^\"]*\"", "\"password\":\"***\""));
        for (String table : TABLES) {
            stack.applySql(String.format(ConcurrentWorkload.SCHEMA, table));
        }
        stack.applySql(String.format(SteadyLoad.PROBE_SCHEMA, PROBES));
        List<String> synced = new ArrayList<>(TABLES);
        synced.add(PROBES);
        stack.startSync(synced, Map.of("apply.ledger.enabled", "true",
                "coordinator.lease.ttl.ms", Long.toString(LEASE_TTL.toMillis())));
        OffsetAudit.install(stack);
    }

    @AfterAll
    static void stopStack() {
        report.forEach(System.out::println);
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void killingAConnectWorkerRepeatedlyMidStreamLosesAndDuplicatesNothing() throws Exception {
        String table = "public.fault_worker";
        List<ConnectWorkerProcess> workers = stack.workerProcesses();
        assertThat(workers).hasSize(2);
        List<Long> recoveries = new ArrayList<>();
        try (SteadyLoad load = SteadyLoad.start(stack, table, PROBES, "worker", KEYS, seed)) {
            load.awaitProgress(30, Duration.ofSeconds(60));
            for (int kill = 0; kill < WORKER_KILLS; kill++) {
                ConnectWorkerProcess victim = workers.get(kill % 2);
                ConnectWorkerProcess survivor = workers.get((kill + 1) % 2);
                int tasksOnVictim = tasksOn(victim).size();
                long faultAt = System.currentTimeMillis();
                victim.kill();
                Deadlines.await("every task running on " + survivor.name(), RECOVERY_TIMEOUT,
                        tolerant(() -> tasksOn(survivor).size() == allTasks() && allRunning()),
                        () -> "tasks " + describeTasks() + ", failures " + stack.failures());
                long recovery = awaitRecovery(load, faultAt);
                recoveries.add(recovery);
                System.out.printf("FaultIT worker kill %d: %s (%d tasks) killed, tasks moved to %s, recovery %d ms%n",
                        kill + 1, victim.name(), tasksOnVictim, survivor.name(), recovery);
                victim.restart();
                load.awaitProgress(10, Duration.ofSeconds(60));
            }
            load.awaitProgress(LOAD_AFTER_FAULT / 2, Duration.ofSeconds(120));
        }
        finish("kill -9 of a Connect worker x" + WORKER_KILLS, table,
                "recovery per kill " + recoveries + " ms");
    }

    @Test
    @Order(2)
    void restartingTheKafkaBrokerLosesAndDuplicatesNothing() throws Exception {
        String table = "public.fault_broker";
        long recovery;
        long downMillis;
        try (SteadyLoad load = SteadyLoad.start(stack, table, PROBES, "broker", KEYS, seed + 1)) {
            load.awaitProgress(30, Duration.ofSeconds(60));
            long faultAt = System.currentTimeMillis();
            stack.kafka().kill();
            Deadlines.pause(Duration.ofSeconds(3));
            stack.kafka().restart();
            downMillis = System.currentTimeMillis() - faultAt;
            recovery = awaitRecovery(load, faultAt);
            Deadlines.await("every connector and task running", RECOVERY_TIMEOUT, tolerant(FaultIT::allRunning),
                    () -> describeTasks() + ", failures " + stack.failures());
            load.awaitProgress(LOAD_AFTER_FAULT, Duration.ofSeconds(120));
        }
        finish("kill -9 and restart of the Kafka broker", table,
                "broker down " + downMillis + " ms, recovery " + recovery + " ms");
    }

    @Test
    @Order(3)
    void stoppingOneSitesDatabaseLosesAndDuplicatesNothing() throws Exception {
        String table = "public.fault_site";
        SiteServer c = stack.site("c");
        long recovery;
        long downMillis;
        try (SteadyLoad load = SteadyLoad.start(stack, table, PROBES, "site", KEYS, seed + 2)) {
            load.awaitProgress(30, Duration.ofSeconds(60));
            long faultAt = System.currentTimeMillis();
            c.stop();
            Deadlines.pause(SITE_DOWN);
            c.startAgain();
            downMillis = System.currentTimeMillis() - faultAt;
            recovery = awaitRecovery(load, faultAt);
            Deadlines.await("every connector and task running", RECOVERY_TIMEOUT, tolerant(FaultIT::allRunning),
                    () -> describeTasks() + ", failures " + stack.failures());
            load.awaitProgress(LOAD_AFTER_FAULT, Duration.ofSeconds(120));
        }
        finish("site c's database stopped " + SITE_DOWN.toSeconds() + " s", table,
                "site down " + downMillis + " ms, recovery " + recovery + " ms (includes the downtime)");
    }

    @Test
    @Order(4)
    void killingTheCoordinatorLeaderLosesAndDuplicatesNothing() throws Exception {
        String table = "public.fault_leader";
        CoordinatorProcesses peers = stack.coordinatorProcesses().orElseThrow();
        long recovery;
        long newLeaderMillis;
        String leader;
        try (SteadyLoad load = SteadyLoad.start(stack, table, PROBES, "leader", KEYS, seed + 3)) {
            load.awaitProgress(30, Duration.ofSeconds(60));
            leader = peers.awaitLeader(Duration.ofSeconds(30));
            long faultAt = System.currentTimeMillis();
            peers.kill(leader);
            String newLeader = peers.awaitLeader(Duration.ofSeconds(60));
            newLeaderMillis = System.currentTimeMillis() - faultAt;
            assertThat(newLeader).isNotEqualTo(leader);
            recovery = awaitRecovery(load, faultAt);
            load.awaitProgress(LOAD_AFTER_FAULT / 2, Duration.ofSeconds(120));
            peers.restart(leader);
            load.awaitProgress(LOAD_AFTER_FAULT / 2, Duration.ofSeconds(120));
        }
        finish("kill -9 of the coordinator leader " + leader, table,
                "new leader after " + newLeaderMillis + " ms, recovery " + recovery + " ms");
    }

    @Test
    @Order(5)
    void aWorkerPausedPastItsLeasesIsFencedWhenItWakesUp() throws Exception {
        String table = "public.fault_zombie";
        List<ConnectWorkerProcess> workers = stack.workerProcesses();
        ConnectWorkerProcess zombie = workers.stream()
                .max((x, y) -> Integer.compare(sinkTasksOn(x).size(), sinkTasksOn(y).size())).orElseThrow();
        ConnectWorkerProcess other = workers.stream().filter(w -> w != zombie).findFirst().orElseThrow();
        Set<String> sitesOnZombie = sinkTasksOn(zombie);
        assertThat(sitesOnZombie).as("sink connectors with a task on %s", zombie.name()).isNotEmpty();
        long epochChangesBefore = OffsetAudit.epochChanges(stack);
        long logBefore = Files.size(zombie.outputFile());
        long recovery;
        long pausedMillis;
        try (SteadyLoad load = SteadyLoad.start(stack, table, PROBES, "zombie", KEYS, seed + 4)) {
            load.awaitProgress(30, Duration.ofSeconds(60));
            Map<String, Long> epochs = new HashMap<>();
            Deadlines.await("the leases of " + sitesOnZombie + " read", Duration.ofSeconds(60),
                    tolerant(() -> {
                        epochs.putAll(leaseEpochs(sitesOnZombie));
                        return !epochs.isEmpty();
                    }),
                    () -> "coordinator not answering");
            long faultAt = System.currentTimeMillis();
            zombie.pause();
            try {
                Deadlines.await("the leases of " + sitesOnZombie + " moved to " + other.name() + " with newer epochs",
                        RECOVERY_TIMEOUT, tolerant(() -> leaseEpochs(sitesOnZombie).entrySet().stream()
                                .allMatch(e -> e.getValue() > epochs.getOrDefault(e.getKey(), Long.MAX_VALUE))),
                        () -> "before " + epochs + ", now " + quietLeaseEpochs(sitesOnZombie));
                recovery = awaitRecovery(load, faultAt);
                // Still paused: the zombie's leases expired long ago, and the new holders applied meanwhile.
                load.awaitProgress(20, Duration.ofSeconds(60));
            } finally {
                pausedMillis = System.currentTimeMillis() - faultAt;
                zombie.resume();
            }
            Deadlines.await("every connector and task running", RECOVERY_TIMEOUT, tolerant(FaultIT::allRunning),
                    () -> describeTasks() + ", failures " + stack.failures());
            load.awaitProgress(LOAD_AFTER_FAULT, Duration.ofSeconds(120));
        }
        String zombieLog = Files.readString(zombie.outputFile()).substring((int) logBefore);
        long fenced = zombieLog.lines().filter(l -> l.contains("held by a newer writer")).count();
        long unleased = zombieLog.lines().filter(l -> l.contains("does not hold the lease")
                || l.contains("was not renewed")).count();
        assertThat(OffsetAudit.epochChanges(stack)).as("partitions claimed by a new lease holder")
                .isGreaterThan(epochChangesBefore);
        finish("SIGSTOP of " + zombie.name() + " for " + pausedMillis + " ms (lease TTL " + LEASE_TTL.toMillis()
                        + " ms), then SIGCONT", table,
                "recovery while paused " + recovery + " ms; the zombie afterwards: " + fenced
                        + " batch(es) refused by the database fence, " + unleased + " lease-lost/not-held notices");
    }

    /** Stops nothing; waits for convergence, audits, asserts no offset went back, and reports. */
    private static void finish(String fault, String table, String recovery) throws Exception {
        long stoppedAt = System.currentTimeMillis();
        MeshAudit.awaitConverged(stack, List.of(table, PROBES), Duration.ofSeconds(240));
        long converged = System.currentTimeMillis() - stoppedAt;
        MeshAudit.Counts counts = MeshAudit.assertExactlyOnceAndNothingLost(stack, table, fault + " (seed " + seed + ")");
        MeshAudit.assertExactlyOnceAndNothingLost(stack, PROBES, fault + " (seed " + seed + ")");
        assertThat(OffsetAudit.wentBack(stack)).as("stored offsets or epochs that went back").isEmpty();
        String line = String.format("FaultIT %s: %s; converged %d ms after the load stopped; %d changes shipped "
                + "(%d duplicate records on the topic), applied per site %s", fault, recovery, converged,
                counts.shippedDots(), counts.duplicatesOnTopic(), counts.appliedBySite());
        System.out.println(line);
        report.add(line);
    }

    /**
     * Waits until, for every site, the first probe it wrote after {@code faultAt} was applied at every
     * other site; returns the time from the fault until the last of those applies.
     */
    private static long awaitRecovery(SteadyLoad load, long faultAt) {
        long[] result = new long[1];
        List<String> missing = new CopyOnWriteArrayList<>();
        Deadlines.await("a change written after the fault at every site applied at every other site",
                RECOVERY_TIMEOUT, tolerant(() -> {
                    missing.clear();
                    Map<String, SteadyLoad.Probe> first = new HashMap<>();
                    for (SteadyLoad.Probe p : load.probes()) {
                        if (p.committedAtMillis() >= faultAt) {
                            first.putIfAbsent(p.site(), p);
                        }
                    }
                    if (first.size() < stack.sites().size()) {
                        missing.add("no probe written since the fault at some site: " + first.keySet());
                        return false;
                    }
                    Set<String> ids = first.values().stream().map(SteadyLoad.Probe::id).collect(Collectors.toSet());
                    Map<String, Map<String, Long>> arrivals = MeshAudit.probeArrivals(stack, PROBES, ids);
                    long last = 0;
                    for (SteadyLoad.Probe p : first.values()) {
                        Map<String, Long> at = arrivals.getOrDefault(p.id(), Map.of());
                        if (at.size() < stack.sites().size() - 1) {
                            missing.add(p.id() + " applied only at " + at.keySet());
                            return false;
                        }
                        last = Math.max(last, at.values().stream().mapToLong(Long::longValue).max().orElse(0));
                    }
                    result[0] = last - faultAt;
                    return true;
                }), () -> "probes " + load.probes().size() + ", missing " + missing + ", sessions "
                        + MeshAudit.sessions(stack) + ", tasks " + describeTasks() + ", failures " + quietFailures());
        return result[0];
    }

    /** A REST or admin call that fails while the fault lasts counts as "not yet", not as the end of the wait. */
    private static Deadlines.Condition tolerant(Deadlines.Condition condition) {
        return () -> {
            try {
                return condition.holds();
            } catch (RuntimeException e) {
                throw new Exception(e);
            }
        };
    }

    private static String quietFailures() {
        try {
            return stack.failures().toString();
        } catch (RuntimeException e) {
            return "? (" + e.getMessage() + ")";
        }
    }

    /** Task ids ("connector/n") running on the worker. */
    private static List<String> tasksOn(ConnectWorkerProcess worker) {
        String id = worker.restUrl().replaceFirst("^http://", "");
        List<String> tasks = new ArrayList<>();
        for (String name : stack.rest().connectors()) {
            for (JsonNode task : stack.rest().status(name).path("tasks")) {
                if (id.equals(task.path("worker_id").asText())) {
                    tasks.add(name + "/" + task.path("id").asText());
                }
            }
        }
        return tasks;
    }

    /** The sites whose sink has a task on the worker. */
    private static Set<String> sinkTasksOn(ConnectWorkerProcess worker) {
        Set<String> sites = new LinkedHashSet<>();
        for (String site : stack.sites().keySet()) {
            String sink = stack.sinkConnector(site, TABLES).name();
            if (tasksOn(worker).stream().anyMatch(t -> t.startsWith(sink + "/"))) {
                sites.add(site);
            }
        }
        return sites;
    }

    private static int allTasks() {
        int n = 0;
        for (String name : stack.rest().connectors()) {
            n += stack.rest().status(name).path("tasks").size();
        }
        return n;
    }

    /**
     * Every task RUNNING, and no connector FAILED, PAUSED or STOPPED. A connector whose status still
     * says UNASSIGNED or RESTARTING while all its tasks run is accepted: a worker can write the
     * UNASSIGNED status of an older generation after the newer RUNNING one during back-to-back
     * rebalances (KAFKA-12525 fixed that race for task statuses only). CI once timed out here for 3
     * minutes with every task RUNNING (the connectors' own states were not printed then; they are
     * now). The tasks do the work, and the load's progress, checked next, proves that it flows.
     */
    private static boolean allRunning() {
        for (String name : stack.rest().connectors()) {
            JsonNode status = stack.rest().status(name);
            String state = status.path("connector").path("state").asText();
            if ("FAILED".equals(state) || "PAUSED".equals(state) || "STOPPED".equals(state)
                    || status.path("tasks").isEmpty()) {
                return false;
            }
            for (JsonNode task : status.path("tasks")) {
                if (!"RUNNING".equals(task.path("state").asText())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String describeTasks() {
        try {
            StringBuilder sb = new StringBuilder();
            for (String name : stack.rest().connectors()) {
                JsonNode status = stack.rest().status(name);
                sb.append(name).append('=').append(status.path("connector").path("state").asText()).append(' ');
                for (JsonNode task : status.path("tasks")) {
                    sb.append(name).append('/').append(task.path("id").asText()).append('=')
                            .append(task.path("state").asText()).append('@').append(task.path("worker_id").asText())
                            .append(' ');
                }
            }
            return sb.toString();
        } catch (RuntimeException e) {
            return "? (" + e.getMessage() + ")";
        }
    }

    /** The lowest lease epoch of each site's partitions, by "site/partition". */
    private static Map<String, Long> leaseEpochs(Set<String> sites) {
        Map<String, Long> epochs = new HashMap<>();
        try (CoordinatorClient client = CoordinatorClient.connect(stack.coordinatorPeers().orElseThrow())) {
            for (PartitionLease lease : client.leases(stack.group())) {
                if (sites.contains(lease.site())) {
                    epochs.put(lease.site() + "/" + lease.partition(), lease.epoch());
                }
            }
        }
        return epochs;
    }

    private static String quietLeaseEpochs(Set<String> sites) {
        try {
            return leaseEpochs(sites).toString();
        } catch (RuntimeException e) {
            return "? (" + e.getMessage() + ")";
        }
    }
}
