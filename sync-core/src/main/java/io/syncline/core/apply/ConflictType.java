package io.syncline.core.apply;

/** The kinds of conflict: two concurrent versions of the same row. */
public enum ConflictType {
    /** The row was inserted at two sites independently (the versions share no history). */
    INSERT_INSERT,
    /** Both versions update a row they share history of. */
    UPDATE_UPDATE,
    /** One version updates the row, the other deletes it. */
    UPDATE_DELETE,
    /** Both versions delete the row. */
    DELETE_DELETE;

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

    /** The name used in the conflict log, e.g. {@code insert/insert}. */
    public String label() {
        return name().toLowerCase().replace('_', '/');
    }
}
