package io.syncline.core.site;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One generated key of a synced table as the key installer found (and left) it: a PostgreSQL
 * sequence owned by the column ({@code serial}, {@code bigserial}, identity) or a MariaDB
 * {@code AUTO_INCREMENT} column.
 *
 * <pre>{@code
 * KeySequence key = installer.install(connection, tables, plan).get(0);
 * key.sequence();   // public.tickets_id_seq
 * key.next();       // the value the next insert gets (PostgreSQL), or the table's AUTO_INCREMENT
 * }</pre>
 *
 * @param table the synced table
 * @param column the key column
 * @param sequence the sequence's qualified name, or {@code AUTO_INCREMENT} at a MariaDB site
 * @param kind the kind its values are made unique by ({@link KeyKind#configName()})
 * @param increment the step between two values it yields
 * @param next the next value it yields
 * @param action what this installation did to it
 * @param block the block of values it is bounded to ({@code coordinator-blocks}), or empty
 */
public record KeySequence(TableRef table, String column, String sequence, String kind, long increment, long next,
        Action action, Optional<SequenceBlock> block) {

    /** What an installation did to a generated key. */
    public enum Action {
        /** Moved to the site's slot by this installation. */
        CONVERTED,
        /** Already in the site's slot (an earlier installation converted it); left as it was. */
        UNCHANGED,
        /** Left as it is because the kind is {@code none}. */
        LEFT_ALONE,
        /** Moved to a new block of values (the old one was running out). */
        TOPPED_UP
    }

    public KeySequence {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(sequence, "sequence");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(block, "block");
    }

    /** A generated key that is not bounded to a block. */
    public KeySequence(TableRef table, String column, String sequence, String kind, long increment, long next,
            Action action) {
        this(table, column, sequence, kind, increment, next, action, Optional.empty());
    }

    /** How many values are left in its block, or empty when it has none. */
    public OptionalLong remaining() {
        return block.isPresent() ? OptionalLong.of(block.get().remainingFrom(next)) : OptionalLong.empty();
    }
}
