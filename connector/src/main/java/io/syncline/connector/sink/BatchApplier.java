package io.syncline.connector.sink;

import io.syncline.core.apply.BatchOutcome;
import io.syncline.core.apply.FencedException;
import java.sql.SQLException;

/** Applies a planned batch at the site in one transaction, with its offsets. */
@FunctionalInterface
interface BatchApplier {

    /**
     * @return what was committed
     * @throws FencedException when a newer writer holds one of the partitions
     * @throws TargetColumns.ColumnNotHereYetException when a change carries a column the site does not have yet
     */
    BatchOutcome.Committed apply(BatchPlan plan) throws SQLException, TargetColumns.ColumnNotHereYetException;
}
