package io.syncline.connector.rest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks every site at once and waits a bounded time: one slow or unreachable site delays a request
 * by at most the deadline and shows as a failed site, never as a failed request.
 */
final class SiteFanOut {

    /** One site's answer or why there is none. */
    record Outcome<T>(T value, String error) {
        boolean ok() {
            return error == null;
        }
    }

    /** A per-site query that may fail. */
    @FunctionalInterface
    interface SiteCall<T> {
        T call(SiteDirectory.Site site) throws Exception;
    }

    private final ExecutorService executor;
    private final Duration deadline;

    SiteFanOut(ExecutorService executor, Duration deadline) {
        this.executor = executor;
        this.deadline = deadline;
    }

    /** Runs {@code call} for every site in parallel; the outcomes keep the sites' order. */
    <T> Map<SiteDirectory.Site, Outcome<T>> each(List<SiteDirectory.Site> sites, SiteCall<T> call) {
        List<Future<T>> futures = new ArrayList<>();
        for (SiteDirectory.Site site : sites) {
            futures.add(executor.submit(() -> call.call(site)));
        }
        long end = System.nanoTime() + deadline.toNanos();
        Map<SiteDirectory.Site, Outcome<T>> outcomes = new LinkedHashMap<>();
        for (int i = 0; i < sites.size(); i++) {
            Future<T> future = futures.get(i);
            try {
                outcomes.put(sites.get(i), new Outcome<>(
                        future.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS), null));
            } catch (TimeoutException e) {
                future.cancel(true);
                outcomes.put(sites.get(i), new Outcome<>(null, "no answer within " + deadline.toMillis() + " ms"));
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                outcomes.put(sites.get(i), new Outcome<>(null, String.valueOf(cause.getMessage())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcomes.put(sites.get(i), new Outcome<>(null, "interrupted"));
            }
        }
        return outcomes;
    }
}
