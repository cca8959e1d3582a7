package io.syncline.core.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.Dot;
import io.syncline.core.SiteId;
import io.syncline.core.VersionVector;
import io.syncline.core.site.TableRef;
import io.syncline.core.site.TableShape;
import java.math.BigDecimal;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class MariaDbDialectTest {

    private static final Dialect MARIADB = Dialect.mariaDb();

    @Test
    void theUrlChoosesMariaDb() {
        assertThat(Engine.forJdbcUrl("jdbc:mariadb://127.0.0.1:3306/public").dialect().name()).isEqualTo("mariadb");
        assertThat(Engine.forJdbcUrl("jdbc:mysql://db/app").dialect().name()).isEqualTo("mariadb");
        assertThat(Engine.of("mariadb").dialect()).isSameAs(MARIADB);
    }

    @Test
    void quotesWithBackticks() {
        assertThat(MARIADB.quote("we`ird")).isEqualTo("`we``ird`");
        assertThat(MARIADB.quote(TableRef.parse("public.orders"))).isEqualTo("`public`.`orders`");
    }

    @Test
    void theReasonKeepsNamesButNeverValues() {
        SQLException duplicate = new SQLIntegrityConstraintViolationException(
                "(conn=12) Duplicate entry 'secret@example.com' for key 'email'", "23000", 1062);
        assertThat(MARIADB.isRefusal(duplicate)).isTrue();
        assertThat(MARIADB.reasonOf(duplicate)).isEqualTo("SQLSTATE 23000 (error 1062): Duplicate entry '?' for key 'email'");
        SQLException datetime = new SQLException("Incorrect datetime value: '9999-12-31 23:59:59' for column "
                + "`public`.`t`.`c_tstz` at row 1", "22007", 1292);
        assertThat(MARIADB.reasonOf(datetime)).doesNotContain("9999").contains("`c_tstz`");
        assertThat(MARIADB.isRefusal(new SQLException("Deadlock found", "40001", 1213))).isFalse();
    }

    @Test
    void deadlocksLockTimeoutsAndLostConnectionsAreWorthARetry() {
        assertThat(MARIADB.isTransient(new SQLException("Deadlock found when trying to get lock", "40001", 1213)))
                .isTrue();
        assertThat(MARIADB.isTransient(new SQLException("Lock wait timeout exceeded", "HY000", 1205))).isTrue();
        assertThat(MARIADB.isTransient(new SQLException("Record has changed since last read", "HY000", 1020)))
                .isTrue();
        assertThat(MARIADB.isTransient(new SQLException("Connection was killed", "70100", 1927))).isTrue();
        assertThat(MARIADB.isTransient(new SQLException("Server shutdown in progress", "08S01", 1053))).isTrue();
        assertThat(MARIADB.isTransient(new SQLException("Too many connections", "08004", 1040))).isTrue();
        assertThat(MARIADB.isTransient(new SQLException("socket closed", "08000", 0))).isTrue();
        assertThat(MARIADB.isTransient(new SQLException("no state"))).isTrue();
        SQLException batch = new BatchUpdateException("batch failed", "HY000", 0, new int[0]);
        batch.setNextException(new SQLException("Deadlock found", "40001", 1213));
        assertThat(MARIADB.isTransient(batch)).as("a deadlock behind a batch failure").isTrue();

        assertThat(MARIADB.isTransient(new SQLException("Duplicate entry", "23000", 1062))).isFalse();
        assertThat(MARIADB.isTransient(unknownColumn())).isFalse();
        assertThat(MARIADB.isTransient(new SQLException("Access denied", "28000", 1045))).isFalse();
    }

    @Test
    void anUnknownColumnOrTableIsAStaleShapeNotARefusal() {
        assertThat(MARIADB.isStaleShape(unknownColumn())).isTrue();
        assertThat(MARIADB.isRefusal(unknownColumn())).isFalse();
        assertThat(MARIADB.isStaleShape(new SQLException("Table 'public.t' doesn't exist", "42S02", 1146))).isTrue();
        assertThat(MARIADB.isStaleShape(new SQLException("Table definition has changed", "HY000", 1412))).isTrue();
        assertThat(MARIADB.isStaleShape(new SQLException("Prepared statement needs to be re-prepared", "HY000",
                1615))).isTrue();
        SQLException batch = new BatchUpdateException("batch failed", "HY000", 0, new int[0]);
        batch.setNextException(unknownColumn());
        assertThat(MARIADB.isStaleShape(batch)).as("an unknown column behind a batch failure").isTrue();

        assertThat(MARIADB.isStaleShape(new SQLException("Duplicate entry", "23000", 1062))).isFalse();
        assertThat(MARIADB.isStaleShape(new SQLException("Deadlock found", "40001", 1213))).isFalse();
        assertThat(MARIADB.isStaleShape(new SQLException("no state"))).isFalse();
    }

    @Test
    void keepsNoRecordOfDroppedColumns() throws SQLException {
        assertThat(MARIADB.droppedColumns(null, shape())).isEmpty();
    }

    @Test
    void postgresCodesMeanNothingHere() {
        assertThat(MARIADB.isStaleShape(new SQLException("column \"legacy\" does not exist", "42703"))).isFalse();
        assertThat(MARIADB.isTransient(new SQLException("deadlock detected", "40P01"))).isFalse();
    }

    private static SQLException unknownColumn() {
        return new SQLException("(conn=7) Unknown column 'legacy' in 'SELECT'", "42S22", 1054);
    }

    @Test
    void upsertsMatchOnlyThePrimaryKeyNeverAnotherUniqueKey() {
        RowStatements rows = MARIADB.rowStatements(shape());
        assertThat(rows.sqlFor(event(Map.of("id", new ColumnValue.IntegerValue(1),
                "amount", new ColumnValue.DecimalValue(new BigDecimal("1.50"))))))
                .as("no ON DUPLICATE KEY UPDATE: it matches any unique key")
                .isEqualTo("INSERT INTO `public`.`t` (`id`, `amount`) VALUES (?, ?)");
    }

    @Test
    void aDuplicateEntryIsAUniqueViolationAForeignKeyIsNot() {
        assertThat(MARIADB.isUniqueViolation(new SQLException("Duplicate entry '?' for key 'email'", "23000", 1062)))
                .isTrue();
        assertThat(MARIADB.isUniqueViolation(new SQLException("Cannot add or update a child row", "23000", 1452)))
                .isFalse();
    }

    @Test
    void refusesWhatMariaDbWouldRoundBeforeBinding() {
        TableShape.ColumnType decimal = new TableShape.ColumnType("decimal(10,2)", "decimal");
        assertThatThrownBy(() -> MariaDbRowStatements.bindValue(null, 1, "amount", decimal,
                new ColumnValue.DecimalValue(new BigDecimal("1.005"))))
                .isInstanceOf(ValueRefusal.class).hasMessageContaining("column amount")
                .hasMessageContaining("rounded").hasMessageNotContaining("1.005");
        TableShape.ColumnType datetime = new TableShape.ColumnType("datetime(3)", "datetime");
        assertThatThrownBy(() -> MariaDbRowStatements.bindValue(null, 1, "at", datetime,
                new ColumnValue.TimestampValue(LocalDateTime.of(2024, 1, 1, 0, 0, 0, 123_456_000))))
                .isInstanceOf(ValueRefusal.class).hasMessageContaining("3 digits");
    }

    private static TableShape shape() {
        Map<String, TableShape.ColumnType> columns = new LinkedHashMap<>();
        columns.put("id", new TableShape.ColumnType("bigint(20)", "bigint"));
        columns.put("amount", new TableShape.ColumnType("decimal(10,2)", "decimal"));
        return new TableShape(TableRef.parse("public.t"), columns, List.of("id"));
    }

    private static ChangeEvent event(Map<String, ColumnValue> values) {
        Map<String, ColumnValue> columns = new LinkedHashMap<>();
        columns.put("id", values.get("id"));
        columns.put("amount", values.get("amount"));
        SiteId a = SiteId.of("a");
        return new ChangeEvent("public.t", "1", ChangeEvent.Op.UPSERT, List.of("id"), columns,
                VersionVector.parse("a:1"), new Dot(a, 1), 1L, 0L, "", Map.of(), Map.of());
    }

    @Test
    void aRefusedLoginPointsAtTheCredentialsAnUnknownDatabaseAtTheDatabase() {
        Dialect mariadb = MARIADB;
        assertThat(mariadb.connectionRefusal(new SQLException("Access denied for user", "28000", 1045)))
                .isEqualTo(Dialect.ConnectionRefusal.CREDENTIALS);
        assertThat(mariadb.connectionRefusal(new SQLException("Access denied to database", "42000", 1044)))
                .isEqualTo(Dialect.ConnectionRefusal.CREDENTIALS);
        assertThat(mariadb.connectionRefusal(new SQLException("Unknown database 'shop'", "42000", 1049)))
                .isEqualTo(Dialect.ConnectionRefusal.DATABASE);
        assertThat(mariadb.connectionRefusal(new SQLException("Could not connect", "08000", -1)))
                .isEqualTo(Dialect.ConnectionRefusal.ADDRESS);
    }

    @Test
    void driverTimeoutsInTheUnitTheDriverReads() {
        Properties props = new Properties();
        MARIADB.addDriverProperties(props, Duration.ofMillis(5_400));
        assertThat(props).containsEntry("connectTimeout", "5000").containsEntry("loginTimeout", "5")
                .doesNotContainKey("reWriteBatchedInserts");
    }

    @Test
    void aMissingParentAndAReferencedParentAreForeignKeyViolationsOtherIntegrityErrorsAreNot() {
        SQLException noParent = new SQLIntegrityConstraintViolationException(
                "Cannot add or update a child row: a foreign key constraint fails", "23000", 1452);
        SQLException referenced = new SQLIntegrityConstraintViolationException(
                "Cannot delete or update a parent row: a foreign key constraint fails", "23000", 1451);

        assertThat(MARIADB.isForeignKeyViolation(noParent)).isTrue();
        assertThat(MARIADB.isForeignKeyViolation(referenced)).isTrue();
        assertThat(MARIADB.isForeignKeyViolation(new BatchUpdateException("batch", "23000", 1452, new int[0],
                noParent))).as("a batch's failure").isTrue();
        assertThat(MARIADB.isRefusal(referenced)).isTrue();
        assertThat(MARIADB.isForeignKeyViolation(new SQLIntegrityConstraintViolationException("Duplicate entry",
                "23000", 1062))).isFalse();
    }
}
