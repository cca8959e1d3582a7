package io.syncline.tools.it;

/** {@link CounterMesh} on a mixed mesh: two PostgreSQL sites and a MariaDB site (its client: mysql). */
class MixedCounterMeshIT extends CounterMesh {

    @Override
    String sites() {
        return "a:postgres,b:mariadb,c:postgres";
    }
}
