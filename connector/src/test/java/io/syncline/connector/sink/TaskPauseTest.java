package io.syncline.connector.sink;

import static io.syncline.connector.sink.Changes.record;
import static io.syncline.connector.sink.Changes.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.SiteId;
import io.syncline.core.apply.ApplyResult;
import io.syncline.core.apply.BatchOutcome;
import io.syncline.core.apply.FencedException;
import io.syncline.testkit.Deadlines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskPauseTest {

    private static final SiteId WEST = SiteId.of("west");
    private static final BatchOutcome.Committed DONE = new BatchOutcome.Committed(ApplyResult.EMPTY, List.of());

    @TempDir
    Path dir;

    private static BatchPlan plan(boolean withChanges) {
        return Changes.plan(List.of(record(0, 1, upsert(withChanges ? "east" : "west", 1, 1))), WEST);
    }

    @Test
    void withoutTheTestKeyThePauseHandsBackWhatItIsGiven() {
        BatchApplier applier = plan -> DONE;
        Runnable renewal = () -> { };

        assertThat(TaskPause.of("")).isSameAs(TaskPause.NONE);
        assertThat(TaskPause.of(null)).isSameAs(TaskPause.NONE);
        assertThat(TaskPause.NONE.aroundApply(applier)).isSameAs(applier);
        assertThat(TaskPause.NONE.aroundRenewal(renewal)).isSameAs(renewal);
    }

    @Test
    void withoutTheFileTheTaskAppliesAndTakesNothing() throws Exception {
        Path freeze = dir.resolve("freeze");
        BatchApplier applier = TaskPause.of(freeze.toString()).aroundApply(plan -> DONE);

        assertThat(applier.apply(plan(true))).isSameAs(DONE);
        assertThat(Files.exists(Path.of(freeze + ".taken"))).isFalse();
        assertThat(Files.exists(Path.of(freeze + ".outcome"))).isFalse();
    }

    @Test
    void theFirstTaskToApplyWhileTheFileExistsStandsStillUntilItIsDeletedThenReportsTheOutcome() throws Exception {
        Path freeze = Files.createFile(dir.resolve("freeze"));
        TaskPause first = TaskPause.of(freeze.toString());
        TaskPause second = TaskPause.of(freeze.toString());
        AtomicInteger applied = new AtomicInteger();
        BatchApplier frozen = first.aroundApply(plan -> {
            applied.incrementAndGet();
            throw new FencedException("partition 0 of orders.changes is held by a newer writer");
        });

        CompletableFuture<Void> attempt = CompletableFuture.runAsync(() -> {
            try {
                frozen.apply(plan(true));
            } catch (FencedException expected) {
                // reported below
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Path taken = Path.of(freeze + ".taken");
        Deadlines.await("the first task took the freeze", Duration.ofSeconds(10), () -> Files.exists(taken),
                () -> "not taken");
        assertThat(second.aroundApply(plan -> DONE).apply(plan(true))).as("another task passes").isSameAs(DONE);
        AtomicInteger renewals = new AtomicInteger();
        second.aroundRenewal(renewals::incrementAndGet).run();
        assertThat(renewals.get()).as("another task renews its leases").isEqualTo(1);
        CompletableFuture<Void> frozenRenewal = CompletableFuture.runAsync(
                first.aroundRenewal(renewals::incrementAndGet));
        assertThat(applied.get()).as("the frozen task stands still").isZero();
        assertThat(frozenRenewal).as("and so does its lease renewal").isNotDone();

        Files.delete(freeze);
        attempt.get();
        frozenRenewal.get();

        assertThat(applied.get()).isEqualTo(1);
        assertThat(renewals.get()).isEqualTo(2);
        assertThat(Files.readString(Path.of(freeze + ".outcome"))).isEqualTo("fenced");
    }

    @Test
    void aBatchWithoutChangesNeverFreezes() throws Exception {
        Path freeze = Files.createFile(dir.resolve("freeze"));

        assertThat(TaskPause.of(freeze.toString()).aroundApply(plan -> DONE).apply(plan(false))).isSameAs(DONE);
        assertThat(Files.exists(Path.of(freeze + ".taken"))).isFalse();
    }

    @Test
    void aBatchHeldAndThenAppliedIsReportedAsApplied() throws Exception {
        Path freeze = Files.createFile(dir.resolve("freeze"));
        BatchApplier applier = TaskPause.of(freeze.toString()).aroundApply(plan -> DONE);
        CompletableFuture<BatchOutcome.Committed> attempt = CompletableFuture.supplyAsync(() -> {
            try {
                return applier.apply(plan(true));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Deadlines.await("the task took the freeze", Duration.ofSeconds(10),
                () -> Files.exists(Path.of(freeze + ".taken")), () -> "not taken");
        Files.delete(freeze);

        assertThat(attempt.get()).isSameAs(DONE);
        assertThat(Files.readString(Path.of(freeze + ".outcome"))).isEqualTo("applied");
    }
}
