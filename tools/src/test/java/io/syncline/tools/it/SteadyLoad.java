package io.syncline.tools.it;

import io.syncline.testkit.Deadlines;
import io.syncline.tools.cli.ConcurrentWorkload;
import io.syncline.tools.embedded.EmbeddedStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady write load at every site while a fault happens: each site's application runs
 * {@link ConcurrentWorkload} on hot keys in short paced bursts (so the sites conflict), and writes a
 * probe row every 250 ms into a second synced table. A site that cannot be reached (its database is
 * down) is retried until it answers again, as an application would. The probes time the recovery:
 * how long after a fault a change written after it reaches every other site.
 */
final class SteadyLoad implements AutoCloseable {

    /** The probe table; {@code %s} is its schema-qualified name. */
    static final String PROBE_SCHEMA = "CREATE TABLE IF NOT EXISTS %s (id text PRIMARY KEY, site text NOT NULL, "
            + "written_at timestamptz NOT NULL DEFAULT clock_timestamp())";

    /** One probe: its key and when its transaction committed (this JVM's wall clock, ms). */
    record Probe(String site, String id, long committedAtMillis) {
    }

    private static final Duration BURST_PAUSE = Duration.ofMillis(40);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(250);

    private final EmbeddedStack stack;
    private final String table;
    private final String probeTable;
    private final String prefix;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, AtomicLong> committed = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> unreachable = new ConcurrentHashMap<>();
    private final List<Probe> probes = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    private SteadyLoad(EmbeddedStack stack, String table, String probeTable, String prefix) {
        this.stack = stack;
        this.table = table;
        this.probeTable = probeTable;
        this.prefix = prefix;
    }

    /** Starts writing at every site of the stack; {@code prefix} names this run's probes. */
    static SteadyLoad start(EmbeddedStack stack, String table, String probeTable, String prefix, int keys, long seed) {
        SteadyLoad load = new SteadyLoad(stack, table, probeTable, prefix);
        int i = 0;
        for (String site : stack.sites().keySet()) {
            long siteSeed = seed * 31 + i++;
            load.committed.put(site, new AtomicLong());
            load.unreachable.put(site, new AtomicLong());
            load.spawn("load-" + site, () -> load.writeAt(site, keys, siteSeed));
            load.spawn("probe-" + site, () -> load.probeAt(site));
        }
        return load;
    }

    /** Operations committed so far, all sites. */
    long committedOperations() {
        return committed.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Committed operations per site. */
    Map<String, Long> committedBySite() {
        Map<String, Long> bySite = new TreeMap<>();
        committed.forEach((site, n) -> bySite.put(site, n.get()));
        return bySite;
    }

    /** The probes written so far. */
    List<Probe> probes() {
        return List.copyOf(probes);
    }

    /** Waits until every site committed at least {@code more} operations more than now. */
    void awaitProgress(long more, Duration timeout) {
        Map<String, Long> start = committedBySite();
        Deadlines.await("every site committed " + more + " more operations", timeout,
                () -> committedBySite().entrySet().stream().allMatch(e -> e.getValue() >= start.get(e.getKey()) + more),
                () -> "committed " + committedBySite() + ", from " + start);
    }

    /** Stops writing and waits for the writers; rethrows what a writer failed with. */
    @Override
    public void close() {
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(60).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the load", e);
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a load writer failed: " + failures.get(0), failures.get(0));
        }
    }

    private void spawn(String name, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failures.add(e);
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void writeAt(String site, int keys, long seed) {
        long burst = 0;
        while (running.get()) {
            try (Connection c = stack.site(site).connect()) {
                while (running.get()) {
                    ConcurrentWorkload.Result r = new ConcurrentWorkload(table, keys, seed + burst++)
                            .run(c, site, 6, done -> { });
                    committed.get(site).addAndGet(r.committedOperations());
                    Deadlines.pause(BURST_PAUSE);
                }
            } catch (SQLException e) {
                // The site is down (a fault): wait and connect again, as its application would.
                unreachable.get(site).incrementAndGet();
                Deadlines.pause(Duration.ofMillis(200));
            }
        }
    }

    private void probeAt(String site) {
        long n = 0;
        while (running.get()) {
            try (Connection c = stack.site(site).connect();
                    PreparedStatement insert = c.prepareStatement("INSERT INTO " + probeTable + " (id, site) VALUES (?, ?)")) {
                while (running.get()) {
                    String id = prefix + "-" + site + "-" + n;
                    insert.setString(1, id);
                    insert.setString(2, site);
                    insert.executeUpdate();
                    probes.add(new Probe(site, id, System.currentTimeMillis()));
                    n++;
                    Deadlines.pause(PROBE_INTERVAL);
                }
            } catch (SQLException e) {
                n++; // the probe may or may not have committed; never reuse its id
                Deadlines.pause(Duration.ofMillis(200));
            }
        }
    }
}
