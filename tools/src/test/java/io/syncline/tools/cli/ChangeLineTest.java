package io.syncline.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.core.ChangeEnvelopeCodec;
import io.syncline.core.ChangeEvent;
import io.syncline.core.ColumnValue;
import io.syncline.core.Dot;
import io.syncline.core.SiteId;
import io.syncline.core.SourceTransaction;
import io.syncline.core.VersionVector;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChangeLineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aChangeIsOneJsonLineWithItsVersionTransactionCountersAndColumns() throws Exception {
        Map<String, ColumnValue> columns = new LinkedHashMap<>();
        columns.put("id", new ColumnValue.IntegerValue(7));
        columns.put("note", new ColumnValue.TextValue("say \"hi\"\n"));
        columns.put("total", new ColumnValue.DecimalValue(new BigDecimal("12.50")));
        columns.put("gone", ColumnValue.NULL);
        ChangeEvent event = new ChangeEvent("public.orders", "7", ChangeEvent.Op.UPSERT, List.of("id"), columns,
                VersionVector.parse("a:12,b:3"), new Dot(SiteId.of("a"), 12), 99L, 1_000L, "lsn:5", Map.of(),
                Map.of("total", Map.of(SiteId.of("a"), 5L)));
        SourceTransaction tx = new SourceTransaction("xid:771", 1, true, Map.of());
        String line = ChangeLine.of(2, 41, new ChangeEnvelopeCodec.Envelope(event, Optional.of(tx)), true);

        assertThat(line).doesNotContain("\n");
        JsonNode json = JSON.readTree(line);
        assertThat(json.get("partition").asInt()).isEqualTo(2);
        assertThat(json.get("offset").asLong()).isEqualTo(41);
        assertThat(json.get("table").asText()).isEqualTo("public.orders");
        assertThat(json.get("key").asText()).isEqualTo("7");
        assertThat(json.get("op").asText()).isEqualTo("upsert");
        assertThat(json.get("origin").asText()).isEqualTo("a");
        assertThat(json.get("dot").asText()).isEqualTo("a:12");
        assertThat(json.get("vv").asText()).isEqualTo("a:12,b:3");
        assertThat(json.get("hlc").asLong()).isEqualTo(99);
        assertThat(json.get("commit_time_us").asLong()).isEqualTo(1_000);
        assertThat(json.get("transaction").get("id").asText()).isEqualTo("xid:771");
        assertThat(json.get("transaction").get("index").asInt()).isEqualTo(1);
        assertThat(json.get("transaction").get("last").asBoolean()).isTrue();
        assertThat(json.get("counters").get("total").get("a").asLong()).isEqualTo(5);
        assertThat(json.get("columns").get("note").asText()).isEqualTo("say \"hi\"\n");
        assertThat(json.get("columns").get("total").asText()).isEqualTo("12.50");
        assertThat(json.get("columns").get("gone").isNull()).isTrue();
    }

    @Test
    void withoutValuesOnlyTheKeyNamesTheRowAndAVersionOneEnvelopeHasNoTransaction() throws Exception {
        ChangeEvent event = new ChangeEvent("public.orders", "7", ChangeEvent.Op.DELETE, List.of("id"),
                Map.of("id", new ColumnValue.IntegerValue(7)), VersionVector.parse("b:4"), new Dot(SiteId.of("b"), 4),
                5L, 6L, "");
        JsonNode json = JSON.readTree(ChangeLine.of(0, 1, new ChangeEnvelopeCodec.Envelope(event, Optional.empty()),
                false));
        assertThat(json.get("op").asText()).isEqualTo("delete");
        assertThat(json.has("columns")).isFalse();
        assertThat(json.has("transaction")).isFalse();
        assertThat(json.has("source_position")).isFalse();
    }

    @Test
    void aRecordThatIsNoEnvelopeSaysWhere() throws Exception {
        JsonNode json = JSON.readTree(ChangeLine.unreadable(3, 9, "not a change envelope: bad magic"));
        assertThat(json.get("partition").asInt()).isEqualTo(3);
        assertThat(json.get("error").asText()).contains("bad magic");
    }
}
