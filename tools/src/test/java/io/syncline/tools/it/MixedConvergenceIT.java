package io.syncline.tools.it;

/**
 * The seeded convergence test on a mixed mesh: two PostgreSQL sites and a MariaDB site race on the
 * same hot keys; every site ends identical value by value (compared across the engines), no dot is
 * applied twice, nothing echoes, and every lost local write is in a conflict log.
 */
class MixedConvergenceIT extends ConvergenceMeshIT {

    @Override
    String sites() {
        return "a:postgres,b:postgres,c:mariadb";
    }
}
