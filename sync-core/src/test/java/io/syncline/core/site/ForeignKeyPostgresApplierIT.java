package io.syncline.core.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.ColumnValue;
import io.syncline.core.apply.ApplyResult;
import io.syncline.core.apply.BatchOutcome;
import io.syncline.core.apply.Engine;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link AbstractForeignKeyApplierIT} at a PostgreSQL site (foreign keys checked per statement). */
class ForeignKeyPostgresApplierIT extends AbstractForeignKeyApplierIT {

    private static PrivatePostgres postgres;
    private static String site;

    @BeforeAll
    static void startServer() throws Exception {
        postgres = PrivatePostgres.start();
        site = postgres.newDatabase();
        try (Connection c = postgres.connect(site)) {
            Engine.POSTGRES.installer(A, "shop").install(c, List.of(), Map.of());
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    Engine engine() {
        return Engine.POSTGRES;
    }

    @Override
    Connection connect() throws SQLException {
        return postgres.connect(site);
    }

    /**
     * A tree's rows in two statement shapes: grouped by statement, the grandchild would be written
     * before its parent. Rows written under the change-by-change pass's savepoints would carry one
     * subtransaction id each in {@code xmin}; written in one pass they share the batch's.
     */
    @Test
    void aSelfReferencingTableKeepsBatchOrderAcrossStatementShapesInOnePass() throws Exception {
        String tree = PrivatePostgres.uniqueName("fk_tree");
        try (Connection c = connect()) {
            local("CREATE TABLE public." + tree + " (id bigint PRIMARY KEY, parent_id bigint, name varchar(100), "
                    + "FOREIGN KEY (parent_id) REFERENCES public." + tree + " (id) ON DELETE CASCADE)");
            engine().installer(A, "shop").install(c, List.of(TableRef.parse("public." + tree)), Map.of());

            BatchOutcome.Committed outcome = apply(c, List.of(
                    upsert(tree, 1, cols("id", 1L, "parent_id", ColumnValue.NULL, "name", "root"), "b:1"),
                    upsert(tree, 2, cols("id", 2L, "parent_id", 1L), "b:2"),
                    upsert(tree, 3, cols("id", 3L, "parent_id", 2L, "name", "leaf"), "b:3")));

            assertThat(outcome.result()).isEqualTo(new ApplyResult(3, 0, 0));
            assertThat(single(c, "SELECT count(DISTINCT xmin::text) FROM public." + tree))
                    .as("one pass, no savepoints").isEqualTo("1");
        }
    }
}
