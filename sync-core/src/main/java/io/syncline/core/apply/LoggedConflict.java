package io.syncline.core.apply;

import java.util.Objects;

/**
 * One conflict a committed batch wrote to the site's conflict log, as metrics count it: its row,
 * its type and the rule that decided it.
 *
 * @param table the row's table, {@code schema.table}
 * @param key the row's canonical key text
 * @param type what the two concurrent versions did
 * @param rule the resolver's rule, as logged in {@code syncline.conflicts.rule}
 */
public record LoggedConflict(String table, String key, ConflictType type, String rule) {

    public LoggedConflict {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(rule, "rule");
    }
}
