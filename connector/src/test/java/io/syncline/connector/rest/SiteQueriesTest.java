package io.syncline.connector.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.connector.config.SynclineSinkConnectorConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The parts of the site endpoints that need no database: parameters, fan-out, rendering, failures. */
class SiteQueriesTest {

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private static SiteDirectory.Site site(String id, Optional<SiteDatabase> db) {
        return new SiteDirectory.Site("orders", id, List.of(), db, db.isEmpty() ? "no config" : null);
    }

    @Test
    void theLimitDefaultsTo50AndMustBeBetween1And1000() {
        assertThat(ConflictsResource.limit(null)).isEqualTo(50);
        assertThat(ConflictsResource.limit(" ")).isEqualTo(50);
        assertThat(ConflictsResource.limit("1000")).isEqualTo(1000);
        assertThatThrownBy(() -> ConflictsResource.limit("0")).hasMessage("limit was 0, must be between 1 and 1000");
        assertThatThrownBy(() -> ConflictsResource.limit("1001")).hasMessageContaining("must be between 1 and 1000");
        assertThatThrownBy(() -> ConflictsResource.limit("ten")).hasMessageContaining("limit was 'ten'");
    }

    @Test
    void theFanOutGivesEverySiteAnOutcomeWithinTheDeadline() {
        SiteFanOut fanOut = new SiteFanOut(executor, Duration.ofMillis(300));
        CountDownLatch never = new CountDownLatch(1);
        List<SiteDirectory.Site> sites = List.of(site("a", Optional.empty()), site("b", Optional.empty()),
                site("c", Optional.empty()));
        long started = System.nanoTime();
        Map<SiteDirectory.Site, SiteFanOut.Outcome<String>> outcomes = fanOut.each(sites, s -> switch (s.site()) {
            case "a" -> "fine";
            case "b" -> throw new IllegalStateException("site b refused");
            default -> {
                never.await();
                yield "too late";
            }
        });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(outcomes.values()).extracting(SiteFanOut.Outcome::value).containsExactly("fine", null, null);
        assertThat(outcomes.get(sites.get(1)).error()).isEqualTo("site b refused");
        assertThat(outcomes.get(sites.get(2)).error()).isEqualTo("no answer within 300 ms");
    }

    @Test
    void rowsAreIdenticalWhenEverySiteHasTheSameVectorAndTombstone() {
        Map<SiteDirectory.Site, SiteFanOut.Outcome<Optional<Map<String, Object>>>> outcomes = new LinkedHashMap<>();
        outcomes.put(site("a", Optional.empty()), new SiteFanOut.Outcome<>(Optional.of(meta("a:2,b:1", false)), null));
        outcomes.put(site("b", Optional.empty()), new SiteFanOut.Outcome<>(Optional.of(meta("a:2,b:1", false)), null));
        Map<String, Object> same = RowsResource.render("public.items", "1", outcomes);
        assertThat(same).containsEntry("identical", true).containsEntry("key", "1");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sites = (List<Map<String, Object>>) same.get("sites");
        assertThat(sites.get(0)).containsEntry("site", "a").containsEntry("found", true).containsEntry("vv", "a:2,b:1");

        outcomes.put(site("c", Optional.empty()), new SiteFanOut.Outcome<>(Optional.empty(), null));
        assertThat(RowsResource.render("public.items", "1", outcomes)).containsEntry("identical", false);

        outcomes.put(site("c", Optional.empty()), new SiteFanOut.Outcome<>(null, "refused"));
        Map<String, Object> unanswered = RowsResource.render("public.items", "1", outcomes);
        assertThat(unanswered).containsEntry("identical", false);
    }

    private static Map<String, Object> meta(String vv, boolean deleted) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vv", vv);
        m.put("deleted", deleted);
        return m;
    }

    @Test
    void anUnreachableDatabaseIsAStatusQuicklyAndItsMessageHasNoPassword() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("sync.group", "orders");
        config.put("site.id", "a");
        config.put("table.include.list", "public.items");
        config.put("database.hostname", "127.0.0.1");
        config.put("database.port", Integer.toString(port));
        config.put("database.user", "syncline");
        config.put("database.password", "s3cr3t-password");
        config.put("database.dbname", "site_a");
        SiteDatabase db = SiteDatabase.of(new SynclineSinkConnectorConfig(config), "orders-a-sink", true, null);

        long started = System.nanoTime();
        SiteStatus.DatabaseStatus status = db.status();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(SiteDatabase.CONNECT_TIMEOUT_SECONDS + 2));
        assertThat(status.reachable()).isFalse();
        assertThat(status.address()).isEqualTo("127.0.0.1:" + port + "/site_a");
        assertThat(status.error()).isNotBlank().doesNotContain("s3cr3t-password");
        assertThat(db.toString()).doesNotContain("s3cr3t-password");
    }
}
