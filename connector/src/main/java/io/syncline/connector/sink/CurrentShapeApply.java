package io.syncline.connector.sink;

import io.syncline.core.ChangeEvent;
import io.syncline.core.SiteId;
import io.syncline.core.apply.BatchOutcome;
import io.syncline.core.apply.OffsetUpdate;
import io.syncline.core.apply.RejectionHandler;
import io.syncline.core.apply.SiteApplier;
import io.syncline.core.site.SiteSetupException;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch to the tables as they are now. Changes are first fitted to the target's columns
 * (a column dropped here is left out; one not added here yet makes the batch wait). When the
 * database fails a statement in a way the engine calls a stale shape, or refuses changes while the
 * cached shapes may be stale (a schema change at this site), the shapes are read again and the batch
 * is applied once more before any change is set aside as refused. Refused on fresh shapes, changes
 * go to the dead-letter topic and the rest commits.
 *
 * <p>A schema change committed between the two catalog reads (the columns to keep, then the
 * statements) shows as a stale shape even on fresh shapes: so up to {@value #FRESH_ROUNDS} rounds on
 * fresh shapes are tried before the failure is the task's.
 */
final class CurrentShapeApply implements BatchApplier {

    /** How many times a batch is tried on freshly read table shapes before the mismatch is an error. */
    static final int FRESH_ROUNDS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(CurrentShapeApply.class);

    /** What the site does for this class: fit, apply, forget cached shapes, and tell a stale shape. */
    interface Site {

        TargetColumns.Fit fit(List<ChangeEvent> events) throws SQLException, TargetColumns.ColumnNotHereYetException;

        BatchOutcome apply(List<ChangeEvent> events, List<OffsetUpdate> offsets, RejectionHandler onRejected)
                throws SQLException;

        /** Forgets the statements built for the cached table shapes. */
        void forgetStatements();

        /** Forgets the cached columns of the target tables. */
        void forgetColumns();

        boolean isStaleShape(SQLException e);

        /** The site of a sink task: its connection, its cached columns and its applier. */
        static Site of(SiteConnection connection, TargetColumns columns, SiteApplier applier) {
            return new Site() {
                @Override
                public TargetColumns.Fit fit(List<ChangeEvent> events)
                        throws SQLException, TargetColumns.ColumnNotHereYetException {
                    return columns.fit(connection.get(), events);
                }

                @Override
                public BatchOutcome apply(List<ChangeEvent> events, List<OffsetUpdate> offsets,
                        RejectionHandler onRejected) throws SQLException {
                    return applier.apply(connection.get(), events, offsets, onRejected);
                }

                @Override
                public void forgetStatements() {
                    applier.forgetTableShapes();
                }

                @Override
                public void forgetColumns() {
                    columns.forget();
                }

                @Override
                public boolean isStaleShape(SQLException e) {
                    return applier.dialect().isStaleShape(e);
                }
            };
        }
    }

    private final Site site;
    private final DeadLetters deadLetters;
    private final SiteId self;

    CurrentShapeApply(Site site, DeadLetters deadLetters, SiteId self) {
        this.site = site;
        this.deadLetters = deadLetters;
        this.self = self;
    }

    @Override
    public BatchOutcome.Committed apply(BatchPlan plan) throws SQLException, TargetColumns.ColumnNotHereYetException {
        List<OffsetUpdate> offsets = plan.offsets();
        boolean fresh = false;
        int freshRounds = 0;
        while (true) {
            TargetColumns.Fit fit = site.fit(plan.events());
            if (fit.reloaded()) {
                site.forgetStatements();
                fresh = true;
            }
            try {
                BatchOutcome outcome = site.apply(fit.events(), offsets, onRejected(fresh, plan, fit));
                if (outcome instanceof BatchOutcome.Committed committed) {
                    return committed;
                }
                // Rolled back: refused while the shapes may be stale (never on fresh shapes, see onRejected).
            } catch (SiteSetupException e) {
                if (fresh && ++freshRounds >= FRESH_ROUNDS) {
                    throw e;
                }
            } catch (SQLException e) {
                if (!site.isStaleShape(e) || (fresh && ++freshRounds >= FRESH_ROUNDS)) {
                    throw e;
                }
            }
            LOG.info("Site {} reads its table shapes again (a schema change?) and applies the batch once more", self);
            site.forgetStatements();
            site.forgetColumns();
            fresh = true;
        }
    }

    /**
     * On shapes that may be stale, a refusal may be the stale shape's fault: roll back and try again on
     * fresh ones. On fresh shapes it is the data's: set the refused changes aside and commit the rest.
     */
    private RejectionHandler onRejected(boolean fresh, BatchPlan plan, TargetColumns.Fit fit) {
        if (!fresh) {
            return rejected -> RejectionHandler.Decision.ROLL_BACK;
        }
        Map<ChangeEvent, SinkRecord> sources = new IdentityHashMap<>();
        for (int i = 0; i < fit.events().size(); i++) {
            sources.put(fit.events().get(i), plan.source(plan.events().get(i)));
        }
        return rejected -> {
            deadLetters.setAside(rejected, sources::get);
            return RejectionHandler.Decision.COMMIT_REST;
        };
    }
}
