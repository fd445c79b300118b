package io.tunestream.generation.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.generation.service.InferenceException;
import java.util.Map;

/**
 * The request fields shared by both endpoints that are not sampling: OpenAI's optional objects, checked strictly,
 * since a field this server skipped would change what the client gets without telling it.
 */
final class OpenAiOptions {

    private OpenAiOptions() {}

    /** @throws InferenceException (400) naming the first field this server does not implement */
    static void refuseUnknown(Map<String, JsonNode> unknown) {
        if (unknown != null && !unknown.isEmpty()) {
            String name = unknown.keySet().iterator().next();
            throw InferenceException.unsupported(name, "the parameter '" + name + "' is not supported by this server");
        }
    }

    /** {@code stream_options}: only {@code include_usage}, and only with {@code stream}. */
    static boolean includeUsage(JsonNode streamOptions, boolean streamed) {
        if (streamOptions == null || streamOptions.isNull()) {
            return false;
        }
        if (!streamed) {
            throw InferenceException.invalid("stream_options", "stream_options is only allowed with stream: true");
        }
        if (!streamOptions.isObject()) {
            throw InferenceException.invalid("stream_options", "stream_options must be an object");
        }
        var fields = streamOptions.fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            if (!field.equals("include_usage")) {
                throw InferenceException.unsupported(
                        "stream_options." + field, "stream_options." + field + " is not supported by this server");
            }
        }
        JsonNode include = streamOptions.get("include_usage");
        if (include != null && !include.isNull() && !include.isBoolean()) {
            throw InferenceException.invalid(
                    "stream_options.include_usage", "stream_options.include_usage must be a boolean");
        }
        return include != null && include.asBoolean(false);
    }

    /** {@code response_format}: {@code text}, or {@code json_object} (JSON mode); true for JSON mode. */
    static boolean jsonMode(JsonNode responseFormat) {
        if (responseFormat == null || responseFormat.isNull()) {
            return false;
        }
        JsonNode type = responseFormat.get("type");
        if (!responseFormat.isObject() || type == null || !type.isTextual()) {
            throw InferenceException.invalid(
                    "response_format", "response_format must be an object with a string 'type'");
        }
        return switch (type.asText()) {
            case "text" -> false;
            case "json_object" -> true;
            case "json_schema" ->
                throw InferenceException.unsupported(
                        "response_format",
                        "response_format type 'json_schema' is not supported by this server; 'json_object' is (the"
                                + " answer is a JSON object, with no schema enforced)");
            default ->
                throw InferenceException.invalid(
                        "response_format",
                        "response_format.type must be 'text' or 'json_object', got '" + type.asText() + "'");
        };
    }
}
