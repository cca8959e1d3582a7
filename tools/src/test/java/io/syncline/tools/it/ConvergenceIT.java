package io.syncline.tools.it;

/** The seeded convergence test on three PostgreSQL sites. */
class ConvergenceIT extends ConvergenceMeshIT {

    @Override
    String sites() {
        return "a:postgres,b:postgres,c:postgres";
    }
}
