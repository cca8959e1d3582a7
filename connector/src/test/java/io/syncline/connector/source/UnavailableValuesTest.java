package io.syncline.connector.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.ColumnValue;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class UnavailableValuesTest {

    private static final Schema ROW = SchemaBuilder.struct().optional()
            .field("id", Schema.INT64_SCHEMA).field("body", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct()
            .field("op", Schema.STRING_SCHEMA).field("before", ROW).field("after", ROW).build();

    private static Map<String, ColumnValue> image(ColumnValue body, ColumnValue doc, ColumnValue blob) {
        Map<String, ColumnValue> columns = new LinkedHashMap<>();
        columns.put("id", new ColumnValue.IntegerValue(1));
        columns.put("body", body);
        columns.put("doc", doc);
        columns.put("blob", blob);
        return columns;
    }

    private static Struct envelope(String op, boolean withBefore) {
        Struct value = new Struct(ENVELOPE).put("op", op);
        if (withBefore) {
            value.put("before", new Struct(ROW).put("id", 1L).put("body", "old"));
        }
        return value;
    }

    @Test
    void anUpdateWithoutTheOldRowLeavesPlaceholderColumnsOut() {
        Map<String, ColumnValue> columns = image(new ColumnValue.TextValue(UnavailableValues.PLACEHOLDER),
                new ColumnValue.JsonValue(UnavailableValues.PLACEHOLDER),
                new ColumnValue.BytesValue(UnavailableValues.PLACEHOLDER.getBytes(StandardCharsets.UTF_8)));

        int removed = UnavailableValues.strip("public.docs", envelope("u", false), List.of("id"), columns);

        assertThat(removed).isEqualTo(3);
        assertThat(columns).containsOnlyKeys("id");
    }

    @Test
    void withTheOldRowThePlaceholderTextIsAValueSomeoneWrote() {
        Map<String, ColumnValue> columns = image(new ColumnValue.TextValue(UnavailableValues.PLACEHOLDER),
                ColumnValue.NULL, ColumnValue.NULL);

        assertThat(UnavailableValues.strip("public.docs", envelope("u", true), List.of("id"), columns)).isZero();
        assertThat(columns).containsKeys("id", "body", "doc", "blob");
    }

    @Test
    void insertsAndKeyColumnsAreNeverStripped() {
        Map<String, ColumnValue> columns = image(new ColumnValue.TextValue(UnavailableValues.PLACEHOLDER),
                ColumnValue.NULL, ColumnValue.NULL);
        assertThat(UnavailableValues.strip("public.docs", envelope("c", false), List.of("id"), columns)).isZero();

        Map<String, ColumnValue> keyed = new LinkedHashMap<>();
        keyed.put("code", new ColumnValue.TextValue(UnavailableValues.PLACEHOLDER));
        assertThat(UnavailableValues.strip("public.docs", envelope("u", false), List.of("code"), keyed)).isZero();
        assertThat(keyed).containsOnlyKeys("code");
    }
}
