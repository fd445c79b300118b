package io.tunestream.generation.service;

/**
 * A request the service cannot serve, with what OpenAI's API reports for it: the HTTP status, the error type, the
 * offending parameter (or null) and a machine-readable code.
 */
public class InferenceException extends RuntimeException {

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public InferenceException(int status, String type, String param, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: a parameter is missing or out of range. */
    public static InferenceException invalid(String param, String message) {
        return new InferenceException(400, "invalid_request_error", param, "invalid_value", message);
    }

    /** 400: a parameter this server does not implement; never ignored, since it would change the answer. */
    public static InferenceException unsupported(String param, String message) {
        return new InferenceException(400, "invalid_request_error", param, "unsupported_parameter", message);
    }

    /** 404: the registry announced no such model, version or alias. */
    public static InferenceException unknownModel(String requested, String known) {
        return new InferenceException(
                404,
                "invalid_request_error",
                "model",
                "model_not_found",
                "The model '" + requested + "' does not exist or is not served here (" + known + ")");
    }

    /** 500: the version's files could not be downloaded, verified or loaded; it stays refused until re-announced. */
    public static InferenceException loadFailed(String version, String reason) {
        return new InferenceException(
                500, "server_error", "model", "model_load_failed", "Model " + version + " cannot be loaded: " + reason);
    }

    /** 503: the model's version is still loading. */
    public static InferenceException notReady(String model) {
        return new InferenceException(
                503,
                "server_error",
                null,
                "model_not_ready",
                "Model '" + model + "' is still loading; try again shortly");
    }

    /** 503: the scheduler's queue is full. */
    public static InferenceException overloaded(String detail) {
        return new InferenceException(
                503,
                "server_error",
                null,
                "engine_overloaded",
                "The engine is currently overloaded (" + detail + "); try again shortly");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
