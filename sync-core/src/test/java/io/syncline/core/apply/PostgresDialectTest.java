package io.syncline.core.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PostgresDialectTest {

    private static final Dialect POSTGRES = Dialect.postgres();

    @Test
    void connectionLossSerializationFailuresDeadlocksAndLockTimeoutsAreWorthARetry() {
        for (String state : List.of("08006", "08001", "08P01", "40001", "40P01", "55P03", "57P01", "57P03", "53300",
                "53200", "25P03")) {
            assertThat(POSTGRES.isTransient(new SQLException("failed", state))).as("SQLSTATE %s", state).isTrue();
        }
        assertThat(POSTGRES.isTransient(new SQLException("no state"))).isTrue();
        for (String state : List.of("23505", "23503", "22001", "22003", "42703", "42P01", "28P01")) {
            assertThat(POSTGRES.isTransient(new SQLException("failed", state))).as("SQLSTATE %s", state).isFalse();
        }
    }

    @Test
    void anUndefinedColumnOrTableAChangedTypeOrAStalePlanIsAStaleShape() {
        for (String state : List.of("42703", "42P01", "42804", "0A000")) {
            assertThat(POSTGRES.isStaleShape(new SQLException("stale", state))).as("SQLSTATE %s", state).isTrue();
            assertThat(POSTGRES.isRefusal(new SQLException("stale", state))).as("SQLSTATE %s", state).isFalse();
        }
        for (String state : List.of("23505", "22001", "40001", "08006")) {
            assertThat(POSTGRES.isStaleShape(new SQLException("failed", state))).as("SQLSTATE %s", state).isFalse();
        }
        assertThat(POSTGRES.isStaleShape(new SQLException("no state"))).isFalse();
    }

    @Test
    void mariaDbCodesMeanNothingHere() {
        assertThat(POSTGRES.isStaleShape(new SQLException("Unknown column 'legacy'", "42S22", 1054))).isFalse();
        assertThat(POSTGRES.isTransient(new SQLException("Lock wait timeout exceeded", "HY000", 1205))).isFalse();
    }

    @Test
    void aRefusedLoginPointsAtTheCredentialsAMissingDatabaseAtTheDatabase() {
        assertThat(POSTGRES.connectionRefusal(new SQLException("password", "28P01"))).isEqualTo(Dialect.ConnectionRefusal.CREDENTIALS);
        assertThat(POSTGRES.connectionRefusal(new SQLException("role", "28000"))).isEqualTo(Dialect.ConnectionRefusal.CREDENTIALS);
        assertThat(POSTGRES.connectionRefusal(new SQLException("db", "3D000"))).isEqualTo(Dialect.ConnectionRefusal.DATABASE);
        assertThat(POSTGRES.connectionRefusal(new SQLException("refused", "08001"))).isEqualTo(Dialect.ConnectionRefusal.ADDRESS);
    }

    @Test
    void driverTimeoutsInTheUnitTheDriverReads() {
        Properties props = new Properties();
        POSTGRES.addDriverProperties(props, Duration.ofMillis(5_400));
        assertThat(props).containsEntry("connectTimeout", "5").containsEntry("loginTimeout", "5")
                .containsEntry("reWriteBatchedInserts", "true");
    }

    @Test
    void aForeignKeyViolationIsTheOneSqlStateForBothDirections() {
        assertThat(POSTGRES.isForeignKeyViolation(new SQLException("violates foreign key constraint", "23503")))
                .isTrue();
        assertThat(POSTGRES.isRefusal(new SQLException("violates foreign key constraint", "23503"))).isTrue();
        assertThat(POSTGRES.isForeignKeyViolation(new SQLException("duplicate key value", "23505"))).isFalse();
    }
}
