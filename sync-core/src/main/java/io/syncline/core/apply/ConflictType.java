package io.syncline.core.apply;

import java.util.Locale;

/**
 * The kinds of conflict: two concurrent versions of the same row, or a foreign key or unique key that
 * concurrent writes of different rows break.
 */
public enum ConflictType {
    /** The row was inserted at two sites independently (the versions share no history). */
    INSERT_INSERT,
    /** Both versions update a row they share history of. */
    UPDATE_UPDATE,
    /** One version updates the row, the other deletes it. */
    UPDATE_DELETE,
    /** Both versions delete the row. */
    DELETE_DELETE,
    /**
     * A change the site's foreign keys refuse because of a concurrent write elsewhere: a child written
     * for a parent another site deleted, or a parent deleted that has children another site wrote. Never
     * returned by {@link #of}: the database, not the vectors, finds it.
     */
    FOREIGN_KEY,
    /**
     * Two different rows (two primary keys) that hold the same value of a unique key other than the
     * primary key, written at two sites; never returned by {@link #of}: the database finds it.
     */
    UNIQUE_KEY;

    /** Names the conflict between two concurrent versions. */
    public static ConflictType of(RowState local, RowState incoming) {
        if (local.deleted() && incoming.deleted()) {
            return DELETE_DELETE;
        }
        if (local.deleted() || incoming.deleted()) {
            return UPDATE_DELETE;
        }
        boolean shared = false;
        for (var entry : local.vv().entries().entrySet()) {
            if (incoming.vv().get(entry.getKey()) > 0) {
                shared = true;
                break;
            }
        }
        return shared ? UPDATE_UPDATE : INSERT_INSERT;
    }

    /** The name used in the conflict log, e.g. {@code insert/insert}, {@code foreign-key}, {@code unique-key}. */
    public String label() {
        // Not "foreign/key": the slash pairs what the two versions did, and these types name a constraint.
        String lower = name().toLowerCase(Locale.ROOT);
        return this == FOREIGN_KEY || this == UNIQUE_KEY ? lower.replace('_', '-') : lower.replace('_', '/');
    }
}
