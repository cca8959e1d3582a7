package io.syncline.core.site;

import io.syncline.core.apply.Engine;
import io.syncline.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link AbstractUniqueKeyApplierIT} at a MariaDB site: a duplicate value is error 1062 (SQLSTATE 23000),
 * and an upsert there must never match a row by a unique key other than the primary key.
 */
class UniqueKeyMariaDbApplierIT extends AbstractUniqueKeyApplierIT {

    private static Path workDir;
    private static MariaDbServer mariaDb;

    @BeforeAll
    static void startServer() throws Exception {
        // A folder the server's OS user can traverse: it does not run as root.
        workDir = Files.createTempDirectory("syncline-it-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        mariaDb = MariaDbServer.start(workDir, "public");
        try (Connection c = mariaDb.connect()) {
            Engine.MARIADB.installer(A, "crm").install(c, List.of(), Map.of());
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (mariaDb != null) {
            mariaDb.close();
        }
        if (workDir != null) {
            Files.deleteIfExists(workDir);
        }
    }

    @Override
    Engine engine() {
        return Engine.MARIADB;
    }

    @Override
    Connection connect() throws SQLException {
        return mariaDb.connect();
    }
}
