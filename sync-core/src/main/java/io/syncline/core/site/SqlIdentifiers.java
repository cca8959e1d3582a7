package io.syncline.core.site;

/** Quoting of identifiers: names are always quoted, never concatenated into SQL as they are. */
public final class SqlIdentifiers {

    private SqlIdentifiers() {
    }

    /** Quotes an identifier for PostgreSQL (ANSI double quotes; a quote inside is doubled). */
    public static String quote(String identifier) {
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains a NUL character");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
