package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * The three-site convergence test on a mesh of two PostgreSQL 17 sites (the bundled server) and a
 * PostgreSQL 15 one (Debian's): the versions a user meets during an upgrade, side by side. At the 17
 * sites the apply writes under a replication origin and the capture reads with {@code origin=none},
 * so the server never sends the capture what was applied there; the 15 site drops it itself.
 */
class Postgres17ConvergenceIT extends ConvergenceMeshIT {

    @Override
    String sites() {
        return "a:postgres17,b:postgres17,c:postgres15";
    }

    @Test
    void theSeventeenSitesCaptureNothingOfWhatWasAppliedThereAndTheFifteenSiteDropsIt() throws Exception {
        long droppedA = droppedForeign("a");
        long droppedB = droppedForeign("b");
        long droppedC = droppedForeign("c");

        StackSql.execute(stack(), "c", "INSERT INTO " + PROBE_TABLE + " (id, owner, balance) "
                + "SELECT g, 'from c', g FROM generate_series(1, 50) g");
        StackSql.execute(stack(), "a", "INSERT INTO " + PROBE_TABLE + " (id, owner, balance) "
                + "SELECT g, 'from a', g FROM generate_series(101, 150) g");
        for (String site : new String[] {"a", "b", "c"}) {
            StackSql.awaitRow(stack(), site, "SELECT count(*) FROM " + PROBE_TABLE, "100");
        }

        assertThat(droppedForeign("a") - droppedA).as("applied changes a 17 site's capture was sent").isZero();
        assertThat(droppedForeign("b") - droppedB).as("applied changes a 17 site's capture was sent").isZero();
        assertThat(droppedForeign("c") - droppedC).as("the 15 site's capture drops what it applied itself")
                .isPositive();
        assertThat(StackSql.query(stack(), "a", "SELECT count(*) FROM pg_replication_origin WHERE roname LIKE "
                + "'syncline:%'")).as("a's sink has its origin").isEqualTo("1");
        assertThat(StackSql.query(stack(), "c", "SELECT count(*) FROM pg_replication_origin")).isEqualTo("0");
    }

    private long droppedForeign(String site) throws Exception {
        String source = stack().sourceConnector(site, tables()).name();
        ObjectName name = new ObjectName("io.syncline:type=connector-metrics,context=source,connector=" + source
                + ",task=0");
        return (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(name, "DroppedForeign");
    }
}
