package io.syncline.core.site;

import io.syncline.core.apply.Engine;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link AbstractUniqueKeyApplierIT} at a PostgreSQL site (unique keys reported as SQLSTATE 23505). */
class UniqueKeyPostgresApplierIT extends AbstractUniqueKeyApplierIT {

    private static PrivatePostgres postgres;
    private static String site;

    @BeforeAll
    static void startServer() throws Exception {
        postgres = PrivatePostgres.start();
        site = postgres.newDatabase();
        try (Connection c = postgres.connect(site)) {
            Engine.POSTGRES.installer(A, "crm").install(c, List.of(), Map.of());
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
}
