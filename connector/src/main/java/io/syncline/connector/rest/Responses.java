package io.syncline.connector.rest;

import jakarta.ws.rs.core.Response;
import java.util.Map;

/** The error bodies of the Syncline endpoints, shaped like Connect's own ({@code error_code}, {@code message}). */
final class Responses {

    private Responses() {
    }

    static Response badRequest(String message) {
        return error(Response.Status.BAD_REQUEST, message);
    }

    static Response unavailable(String message) {
        return error(Response.Status.SERVICE_UNAVAILABLE, message);
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).entity(Map.of("error_code", status.getStatusCode(), "message", message))
                .build();
    }
}
