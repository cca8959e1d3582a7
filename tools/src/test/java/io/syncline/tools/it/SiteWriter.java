package io.syncline.tools.it;

import io.syncline.testkit.Deadlines;
import io.syncline.tools.embedded.EmbeddedStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A steady, seeded write load at one site on its own key range of a table with the columns
 * {@code (id bigint PRIMARY KEY, name text, n, code varchar)}: inserts, updates and deletes, each
 * statement exactly one row, so {@link #writes()} is the number of changes the site ships.
 */
final class SiteWriter implements Runnable {

    final String site;
    private final EmbeddedStack stack;
    private final String table;
    private final Random random;
    private final AtomicLong writes = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Long> live = new ArrayList<>();
    private long next;
    /** Values that need bigint and varchar(50) once every site has them. */
    final AtomicBoolean wide = new AtomicBoolean();
    private Thread thread;

    SiteWriter(EmbeddedStack stack, String site, String table, long seed, long firstId) {
        this.stack = stack;
        this.site = site;
        this.table = table;
        this.random = new Random(seed);
        this.next = firstId;
    }

    SiteWriter start() {
        thread = new Thread(this, "writer-" + site);
        thread.start();
        return this;
    }

    /** Stops writing and waits for the thread. */
    void stop() throws InterruptedException {
        stop.set(true);
        if (thread != null) {
            thread.join(30_000);
        }
    }

    long writes() {
        return writes.get();
    }

    Throwable failure() {
        return failure.get();
    }

    @Override
    public void run() {
        try (Connection c = stack.site(site).connect()) {
            while (!stop.get()) {
                write(c);
                Deadlines.pause(Duration.ofMillis(5));
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private void write(Connection c) throws SQLException {
        int op = random.nextInt(10);
        long n = wide.get() ? 3_000_000_000L + random.nextInt(1000) : random.nextInt(1000);
        String code = wide.get() ? "w" + "-".repeat(30) + random.nextInt(100) : "c" + random.nextInt(1000);
        if (op < 5 || live.size() < 10) {
            long id = next++;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, name, n, code) VALUES (?, ?, ?, ?)")) {
                ps.setLong(1, id);
                ps.setString(2, site + " row " + id);
                ps.setLong(3, n);
                ps.setString(4, code);
                ps.executeUpdate();
            }
            live.add(id);
        } else if (op < 9) {
            long id = live.get(random.nextInt(live.size()));
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET name = ?, n = ?, code = ? WHERE id = ?")) {
                ps.setString(1, site + " updated " + random.nextInt(1000));
                ps.setLong(2, n);
                ps.setString(3, code);
                ps.setLong(4, id);
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("update of " + id + " at " + site + " hit no row");
                }
            }
        } else {
            long id = live.remove(random.nextInt(live.size()));
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
                ps.setLong(1, id);
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("delete of " + id + " at " + site + " hit no row");
                }
            }
        }
        writes.incrementAndGet();
    }
}
