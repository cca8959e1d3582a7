package io.syncline.connector.sink;

import static io.syncline.connector.sink.Changes.record;
import static io.syncline.connector.sink.Changes.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.ChangeEvent;
import io.syncline.core.SiteId;
import io.syncline.core.apply.ApplyResult;
import io.syncline.core.apply.BatchOutcome;
import io.syncline.core.apply.Dialect;
import io.syncline.core.apply.OffsetUpdate;
import io.syncline.core.apply.Rejection;
import io.syncline.core.apply.RejectionHandler;
import io.syncline.core.site.SiteSetupException;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** The rounds on fresh table shapes, against a scripted site: no database needed. */
class CurrentShapeApplyTest {

    private static final SiteId WEST = SiteId.of("west");

    /** One scripted answer of the site to an apply. */
    @FunctionalInterface
    private interface Attempt {
        BatchOutcome answer(List<ChangeEvent> events, RejectionHandler onRejected) throws SQLException;
    }

    /** A site that answers from a script and records what the sink asked of it. */
    private static final class ScriptedSite implements CurrentShapeApply.Site {

        final Deque<Boolean> reloads = new ArrayDeque<>();
        final Deque<Attempt> attempts = new ArrayDeque<>();
        final List<String> calls = new ArrayList<>();
        TargetColumns.ColumnNotHereYetException missingColumn;

        @Override
        public TargetColumns.Fit fit(List<ChangeEvent> events) throws TargetColumns.ColumnNotHereYetException {
            calls.add("fit");
            if (missingColumn != null) {
                throw missingColumn;
            }
            // Fitted changes are other instances than the planned ones, as when a dropped column is left out.
            List<ChangeEvent> fitted = events.stream().map(e -> new ChangeEvent(e.table(), e.key(), e.op(),
                    e.keyColumns(), e.columns(), e.vv(), e.dot(), e.hlc(), e.commitTimeMicros(), e.sourcePosition(),
                    e.columnStamps(), e.counters())).toList();
            return new TargetColumns.Fit(fitted, Boolean.TRUE.equals(reloads.poll()));
        }

        @Override
        public BatchOutcome apply(List<ChangeEvent> events, List<OffsetUpdate> offsets, RejectionHandler onRejected)
                throws SQLException {
            calls.add("apply");
            return attempts.remove().answer(events, onRejected);
        }

        @Override
        public void forgetStatements() {
            calls.add("forget statements");
        }

        @Override
        public void forgetColumns() {
            calls.add("forget columns");
        }

        @Override
        public boolean isStaleShape(SQLException e) {
            return Dialect.postgres().isStaleShape(e);
        }
    }

    private final ScriptedSite site = new ScriptedSite();
    private final List<SinkRecord> deadLettered = new ArrayList<>();
    private final CurrentShapeApply apply = new CurrentShapeApply(site, new DeadLetters(WEST, () -> (record, e) -> {
        deadLettered.add(record);
        return CompletableFuture.completedFuture(null);
    }), WEST);
    private final SinkRecord carrier = record(0, 8, upsert("east", 1, 1));
    private final BatchPlan plan = Changes.plan(List.of(carrier), WEST);

    private static BatchOutcome committed(int applied, List<Rejection> rejected) {
        return new BatchOutcome.Committed(new ApplyResult(applied, 0, 0, rejected), List.of());
    }

    private static Attempt stale() {
        return (events, onRejected) -> {
            throw new SQLException("column \"legacy\" does not exist", "42703");
        };
    }

    /** Refuses every change and answers as the handler decides. */
    private static Attempt refuse(List<RejectionHandler.Decision> decisions) {
        return (events, onRejected) -> {
            List<Rejection> rejected = events.stream().map(e -> new Rejection(e, "SQLSTATE 22001")).toList();
            RejectionHandler.Decision decision = onRejected.handle(rejected);
            decisions.add(decision);
            return decision == RejectionHandler.Decision.ROLL_BACK ? new BatchOutcome.RolledBack(rejected)
                    : committed(0, rejected);
        };
    }

    @Test
    void aStatementOfAStaleShapeIsAppliedAgainOnFreshShapes() throws Exception {
        site.attempts.add(stale());
        site.attempts.add((events, onRejected) -> committed(1, List.of()));

        BatchOutcome.Committed result = apply.apply(plan);

        assertThat(result.result().applied()).isEqualTo(1);
        assertThat(site.calls).containsExactly("fit", "apply", "forget statements", "forget columns", "fit", "apply");
    }

    @Test
    void aRefusalOnShapesThatMayBeStaleRollsBackAndOnlyARefusalOnFreshShapesIsDeadLettered() throws Exception {
        List<RejectionHandler.Decision> decisions = new ArrayList<>();
        site.attempts.add(refuse(decisions));
        site.attempts.add(refuse(decisions));

        BatchOutcome.Committed result = apply.apply(plan);

        assertThat(decisions).containsExactly(RejectionHandler.Decision.ROLL_BACK,
                RejectionHandler.Decision.COMMIT_REST);
        assertThat(result.result().rejected()).hasSize(1);
        assertThat(deadLettered).as("the record that carried the refused change").extracting(SinkRecord::kafkaOffset)
                .containsExactly(carrier.kafkaOffset());
    }

    @Test
    void shapesReadAgainForANewColumnAreFreshSoARefusalIsDeadLetteredAtOnce() throws Exception {
        List<RejectionHandler.Decision> decisions = new ArrayList<>();
        site.reloads.add(true);
        site.attempts.add(refuse(decisions));

        apply.apply(plan);

        assertThat(decisions).containsExactly(RejectionHandler.Decision.COMMIT_REST);
        assertThat(site.calls).containsExactly("fit", "forget statements", "apply");
        assertThat(deadLettered).extracting(SinkRecord::kafkaOffset).containsExactly(carrier.kafkaOffset());
    }

    @Test
    void aStaleShapeOnFreshShapesIsTriedThreeTimesThenItIsTheTasks() {
        for (int i = 0; i < 10; i++) {
            site.attempts.add(stale());
        }

        assertThatThrownBy(() -> apply.apply(plan)).isInstanceOf(SQLException.class).hasMessageContaining("legacy");

        assertThat(site.calls.stream().filter("apply"::equals).count())
                .as("one try on the cached shapes, then " + CurrentShapeApply.FRESH_ROUNDS + " on fresh ones")
                .isEqualTo(1 + CurrentShapeApply.FRESH_ROUNDS);
    }

    @Test
    void aMissingTableIsLookedUpAgainOnFreshShapesBeforeItIsTheTasks() {
        for (int i = 0; i < 10; i++) {
            site.attempts.add((events, onRejected) -> {
                throw new SiteSetupException("table public.orders does not exist at this site");
            });
        }

        assertThatThrownBy(() -> apply.apply(plan)).isInstanceOf(SiteSetupException.class);
        assertThat(site.calls.stream().filter("apply"::equals).count()).isEqualTo(1 + CurrentShapeApply.FRESH_ROUNDS);
    }

    @Test
    void aFailureThatIsNoStaleShapeIsTheTasksAtOnce() {
        site.attempts.add((events, onRejected) -> {
            throw new SQLException("deadlock detected", "40P01");
        });

        assertThatThrownBy(() -> apply.apply(plan)).isInstanceOf(SQLException.class).hasMessage("deadlock detected");
        assertThat(site.calls).containsExactly("fit", "apply");
    }

    @Test
    void aColumnNotHereYetMakesTheBatchWait() {
        site.missingColumn = new TargetColumns.ColumnNotHereYetException("table public.orders has no column extra");

        assertThatThrownBy(() -> apply.apply(plan)).isSameAs(site.missingColumn);
        assertThat(site.calls).containsExactly("fit");
    }
}
