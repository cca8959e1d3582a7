package io.syncline.tools.it;


/** Site b on PostgreSQL: a statement naming a dropped column fails with SQLSTATE 42703. */
class StaleTableShapePostgresIT extends StaleTableShapeIT {

    @Override
    String engineOfB() {
        return "postgres";
    }
}
