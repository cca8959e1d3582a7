package io.syncline.tools.cli;

import io.syncline.core.ChangeEnvelopeCodec;
import io.syncline.core.ChangeEvent;
import io.syncline.core.SiteId;
import io.syncline.core.SourceTransaction;
import io.syncline.core.apply.ColumnJson;
import java.util.Locale;
import java.util.Map;

/**
 * One record of the changes topic as the JSON line {@code syncline changes} prints: where it is
 * (partition, offset), what it changes (table, key, operation), its version (origin, dot, vector,
 * hybrid clock, commit time), its source transaction, and the column values unless they are left
 * out.
 *
 * <pre>{@code
 * {"partition":0,"offset":41,"table":"public.orders","key":"7","op":"upsert","origin":"a","dot":"a:12",
 *  "vv":"a:12,b:3","hlc":117745817837240320,"commit_time_us":1765100000000000,
 *  "transaction":{"id":"xid:771","index":0,"last":true},"columns":{"id":7,"total":"12.50"}}
 * }</pre>
 */
final class ChangeLine {

    private ChangeLine() {
    }

    /** The line of a change envelope; {@code values} false leaves the columns out (keys stay). */
    static String of(int partition, long offset, ChangeEnvelopeCodec.Envelope envelope, boolean values) {
        ChangeEvent e = envelope.event();
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"partition\":").append(partition).append(",\"offset\":").append(offset);
        field(sb, "table", e.table());
        field(sb, "key", e.key());
        field(sb, "op", e.op().name().toLowerCase(Locale.ROOT));
        field(sb, "origin", e.origin().value());
        field(sb, "dot", e.dot().key());
        field(sb, "vv", e.vv().encode());
        sb.append(",\"hlc\":").append(e.hlc()).append(",\"commit_time_us\":").append(e.commitTimeMicros());
        if (!e.sourcePosition().isEmpty()) {
            field(sb, "source_position", e.sourcePosition());
        }
        if (envelope.transaction().isPresent()) {
            SourceTransaction tx = envelope.transaction().get();
            sb.append(",\"transaction\":{\"id\":");
            ColumnJson.string(sb, tx.id());
            sb.append(",\"index\":").append(tx.index()).append(",\"last\":").append(tx.last()).append('}');
        }
        if (!e.counters().isEmpty()) {
            sb.append(",\"counters\":{");
            boolean first = true;
            for (Map.Entry<String, Map<SiteId, Long>> counter : e.counters().entrySet()) {
                sb.append(first ? "" : ",");
                first = false;
                ColumnJson.string(sb, counter.getKey());
                sb.append(":{");
                boolean firstSite = true;
                for (Map.Entry<SiteId, Long> part : counter.getValue().entrySet()) {
                    sb.append(firstSite ? "" : ",");
                    firstSite = false;
                    ColumnJson.string(sb, part.getKey().value());
                    sb.append(':').append(part.getValue());
                }
                sb.append('}');
            }
            sb.append('}');
        }
        if (values) {
            sb.append(",\"columns\":").append(ColumnJson.render(e.columns()));
        }
        return sb.append('}').toString();
    }

    /** The line of a record that is no change envelope: where it is and why it was not read. */
    static String unreadable(int partition, long offset, String reason) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("{\"partition\":").append(partition).append(",\"offset\":").append(offset);
        field(sb, "error", reason);
        return sb.append('}').toString();
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append(",\"").append(name).append("\":");
        ColumnJson.string(sb, value);
    }
}
