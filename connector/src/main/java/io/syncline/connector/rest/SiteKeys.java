package io.syncline.connector.rest;

import io.syncline.core.apply.Engine;
import io.syncline.core.site.KeyPlan;
import io.syncline.core.site.KeySequence;
import io.syncline.core.site.TableRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The generated keys of a site as its source connector configures them, for {@code GET
 * /syncline/status}: per sequence (or MariaDB AUTO_INCREMENT column) its kind, step and next value,
 * and for {@code coordinator-blocks} its block and the values left in it, read from the site's
 * catalog without changing anything.
 *
 * <pre>{@code
 * {"table":"public.tickets","column":"id","sequence":"public.tickets_id_seq","kind":"interleaved",
 *  "increment":16,"next":1000019,"slot":3,"block":null,"remaining":null}
 * {"table":"public.notes","column":"id","sequence":"public.notes_id_seq","kind":"coordinator-blocks",
 *  "increment":1,"next":20042,"slot":null,"block":{"start":20001,"end":30000},"remaining":9959}
 * }</pre>
 */
record SiteKeys(Engine engine, List<TableRef> tables, KeyPlan plan) {

    SiteKeys {
        Objects.requireNonNull(engine, "engine");
        tables = List.copyOf(tables);
        Objects.requireNonNull(plan, "plan");
    }

    /** The site's generated keys as JSON objects. */
    List<Map<String, Object>> describe(Connection connection) throws SQLException {
        List<Map<String, Object>> keys = new ArrayList<>();
        for (KeySequence key : engine.keyInstaller().describe(connection, tables, plan)) {
            keys.add(toJson(key, plan));
        }
        return keys;
    }

    static Map<String, Object> toJson(KeySequence key, KeyPlan plan) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("table", key.table().toString());
        json.put("column", key.column());
        json.put("sequence", key.sequence());
        json.put("kind", key.kind());
        json.put("increment", key.increment());
        json.put("next", key.next());
        json.put("slot", "interleaved".equals(key.kind()) && plan.hasOffset() ? plan.offset() : null);
        json.put("block", key.block().map(b -> {
            Map<String, Object> block = new LinkedHashMap<>();
            block.put("start", b.start());
            block.put("end", b.end());
            return block;
        }).orElse(null));
        json.put("remaining", key.remaining().isPresent() ? key.remaining().getAsLong() : null);
        return json;
    }
}
