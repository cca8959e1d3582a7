package io.syncline.core.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MariaDbSiteInstallerTest {

    @Test
    void triggersSkipSynclineAppliesAndSplitAKeyChangeIntoDeleteAndWrite() {
        TableShape shape = shape(List.of("id"));
        assertThat(MariaDbSiteInstaller.triggerBody(shape, "INSERT")).isEqualTo("BEGIN IF COALESCE(@syncline_applying, 0) "
                + "<> 1 THEN CALL syncline.record_local_write('public.orders', CAST(NEW.`id` AS CHAR), 0); END IF; END");
        assertThat(MariaDbSiteInstaller.triggerBody(shape, "UPDATE"))
                .contains("IF NOT (BINARY CAST(OLD.`id` AS CHAR) <=> BINARY CAST(NEW.`id` AS CHAR)) THEN "
                        + "CALL syncline.record_local_write('public.orders', CAST(OLD.`id` AS CHAR), 1); END IF;");
    }

    @Test
    void trackedTablesPassTheChangedColumnsAndCounterDeltas() {
        TableShape shape = shape(List.of("id"));
        Set<String> options = Set.of("stamps", "counter:id");
        assertThat(MariaDbSiteInstaller.triggerBody(shape, "INSERT", options)).isEqualTo("BEGIN IF "
                + "COALESCE(@syncline_applying, 0) <> 1 THEN CALL syncline.record_tracked_write('public.orders', "
                + "CAST(NEW.`id` AS CHAR), 1, '[\"id\",\"region\"]', '{\"id\":0}'); END IF; END");
        String update = MariaDbSiteInstaller.triggerBody(shape, "UPDATE", options);
        assertThat(update).contains("ELSE CALL syncline.record_tracked_write('public.orders', CAST(NEW.`id` AS CHAR), 0, "
                + "CONCAT('[', CONCAT_WS(',', IF(NOT (BINARY OLD.`id` <=> BINARY NEW.`id`), '\"id\"', NULL), "
                + "IF(NOT (BINARY OLD.`region` <=> BINARY NEW.`region`), '\"region\"', NULL)), ']'), "
                + "JSON_OBJECT('id', CAST(IFNULL(NEW.`id`, 0) AS SIGNED) - CAST(IFNULL(OLD.`id`, 0) AS SIGNED)))");
        assertThat(update).contains("CALL syncline.record_local_write('public.orders', CAST(OLD.`id` AS CHAR), 1); "
                + "CALL syncline.record_tracked_write('public.orders', CAST(NEW.`id` AS CHAR), 1, ");
        assertThat(MariaDbSiteInstaller.triggerBody(shape, "DELETE", options))
                .isEqualTo(MariaDbSiteInstaller.triggerBody(shape, "DELETE"));
        assertThat(MariaDbSiteInstaller.triggerBody(shape, "UPDATE", Set.of("counter:id"))).contains(", 0, NULL, JSON_OBJECT(");
    }

    @Test
    void aCompositeKeyEscapesLikeKeyText() {
        assertThat(MariaDbSiteInstaller.keyText(shape(List.of("id", "region")), "NEW"))
                .isEqualTo("CONCAT_WS(',', REPLACE(REPLACE(CAST(NEW.`id` AS CHAR), '\\\\', '\\\\\\\\'), ',', '\\\\,'), "
                        + "REPLACE(REPLACE(CAST(NEW.`region` AS CHAR), '\\\\', '\\\\\\\\'), ',', '\\\\,'))");
    }

    @Test
    void triggerNamesFitMariaDbsLimit() {
        String name = MariaDbSiteInstaller.triggerName(new TableRef("public", "t".repeat(80)), "DELETE");
        assertThat(name).hasSizeLessThanOrEqualTo(64).startsWith("syncline_delete_");
        assertThat(MariaDbSiteInstaller.triggerName(TableRef.parse("public.orders"), "INSERT"))
                .isEqualTo("syncline_insert_orders");
    }

    private static TableShape shape(List<String> key) {
        Map<String, TableShape.ColumnType> columns = new LinkedHashMap<>();
        columns.put("id", new TableShape.ColumnType("bigint(20)", "bigint"));
        columns.put("region", new TableShape.ColumnType("varchar(10)", "varchar"));
        return new TableShape(TableRef.parse("public.orders"), columns, key);
    }
}
