package io.syncline.core.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    void anUpdateRecordsAVersionOnlyWhenSomeColumnsBytesChanged() {
        assertThat(MariaDbSiteInstaller.triggerBody(shape(List.of("id")), "UPDATE"))
                .startsWith("BEGIN IF COALESCE(@syncline_applying, 0) <> 1 THEN IF NOT (BINARY OLD.`id` <=> BINARY "
                        + "NEW.`id` AND BINARY OLD.`region` <=> BINARY NEW.`region`) THEN ")
                .endsWith("END IF; END IF; END");
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
