package io.syncline.tools.it;

/**
 * {@link PostgresToMariaDbTypesIT} with a PostgreSQL 17 source (the bundled server): every type of
 * docs/types.md arrives exactly from a 17 site, and what MariaDB cannot hold is refused the same way.
 */
class Postgres17ToMariaDbTypesIT extends PostgresToMariaDbTypesIT {

    @Override
    String sourceSite() {
        return "postgres17";
    }
}
