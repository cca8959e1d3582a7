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
 * {@link AbstractForeignKeyApplierIT} at a MariaDB site: InnoDB checks foreign keys row by row and
 * reports a missing parent as error 1452, a referenced one as 1451.
 */
class ForeignKeyMariaDbApplierIT extends AbstractForeignKeyApplierIT {

    private static Path workDir;
    private static MariaDbServer mariaDb;

    @BeforeAll
    static void startServer() throws Exception {
        // A folder the server's OS user can traverse: it does not run as root.
        workDir = Files.createTempDirectory("syncline-it-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        mariaDb = MariaDbServer.start(workDir, "public");
        try (Connection c = mariaDb.connect()) {
            Engine.MARIADB.installer(A, "shop").install(c, List.of(), Map.of());
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

    @Override
    String tableOptions() {
        return " ENGINE = InnoDB";
    }
}
