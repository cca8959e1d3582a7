package io.syncline.tools.it;

/** MariaDB to MariaDB: the same column types at both ends. */
class MariaDbToMariaDbTypesIT extends TypeFidelityIT {

    @Override
    String sourceEngine() {
        return "mariadb";
    }

    @Override
    String targetEngine() {
        return "mariadb";
    }
}
