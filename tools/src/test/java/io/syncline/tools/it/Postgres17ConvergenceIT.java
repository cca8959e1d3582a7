package io.syncline.tools.it;

/**
 * The three-site convergence test on a mesh of two PostgreSQL 17 sites (the bundled server) and a
 * PostgreSQL 15 one (Debian's): the versions a user meets during an upgrade, side by side.
 */
class Postgres17ConvergenceIT extends ConvergenceMeshIT {

    @Override
    String sites() {
        return "a:postgres17,b:postgres17,c:postgres15";
    }
}
