package io.syncline.tools.it;

/** {@link CounterMesh} on three PostgreSQL sites. */
class CounterMeshIT extends CounterMesh {

    @Override
    String sites() {
        return "a:postgres,b:postgres,c:postgres";
    }
}
