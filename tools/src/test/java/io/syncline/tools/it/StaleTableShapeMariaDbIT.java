package io.syncline.tools.it;


/** Site b on MariaDB: a statement naming a dropped column fails with error 1054 (SQLSTATE 42S22). */
class StaleTableShapeMariaDbIT extends StaleTableShapeIT {

    @Override
    String engineOfB() {
        return "mariadb";
    }
}
