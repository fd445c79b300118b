package io.tunestream.generation.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.generation.service.InferenceException;
import io.tunestream.generation.service.JsonSchemaSubset;
import java.util.Map;
import java.util.Set;

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

    /** What {@code response_format} asks for: nothing, a JSON object, or a value of a schema. */
    record ResponseFormat(boolean json, JsonSchemaSubset schema) {
        static final ResponseFormat TEXT = new ResponseFormat(false, null);
    }

    private static final Set<String> JSON_SCHEMA_FIELDS = Set.of("name", "description", "schema", "strict");

    /**
     * {@code response_format}: {@code text}, {@code json_object} (JSON mode), or {@code json_schema} with a schema of
     * {@link JsonSchemaSubset}; a schema keyword outside the subset is a 400 naming it.
     */
    static ResponseFormat responseFormat(JsonNode responseFormat) {
        if (responseFormat == null || responseFormat.isNull()) {
            return ResponseFormat.TEXT;
        }
        JsonNode type = responseFormat.get("type");
        if (!responseFormat.isObject() || type == null || !type.isTextual()) {
            throw InferenceException.invalid(
                    "response_format", "response_format must be an object with a string 'type'");
        }
        return switch (type.asText()) {
            case "text" -> ResponseFormat.TEXT;
            case "json_object" -> new ResponseFormat(true, null);
            case "json_schema" -> new ResponseFormat(true, jsonSchema(responseFormat.get("json_schema")));
            default ->
                throw InferenceException.invalid(
                        "response_format",
                        "response_format.type must be 'text', 'json_object' or 'json_schema', got '" + type.asText()
                                + "'");
        };
    }

    private static JsonSchemaSubset jsonSchema(JsonNode jsonSchema) {
        String param = "response_format.json_schema";
        if (jsonSchema == null || !jsonSchema.isObject()) {
            throw InferenceException.invalid(param, param + " must be an object holding 'name' and 'schema'");
        }
        var fields = jsonSchema.fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            if (!JSON_SCHEMA_FIELDS.contains(field)) {
                throw InferenceException.unsupported(
                        param + "." + field, param + "." + field + " is not supported by this server");
            }
        }
        JsonNode name = jsonSchema.get("name");
        if (name == null || !name.isTextual() || name.asText().isEmpty()) {
            throw InferenceException.invalid(param + ".name", param + ".name must be a non-empty string");
        }
        JsonNode strict = jsonSchema.get("strict");
        if (strict != null && !strict.isNull() && !strict.isBoolean()) {
            throw InferenceException.invalid(param + ".strict", param + ".strict must be a boolean");
        }
        JsonNode schema = jsonSchema.get("schema");
        if (schema == null || schema.isNull()) {
            throw InferenceException.invalid(param + ".schema", param + ".schema is required by this server");
        }
        try {
            // strict or not, the answer is decoded under the schema: a guarantee strict mode only asks for.
            return JsonSchemaSubset.compile(schema);
        } catch (JsonSchemaSubset.UnsupportedSchemaException e) {
            String where = param + ".schema." + e.path();
            String message = where + ": " + e.getMessage();
            throw e.unsupported()
                    ? InferenceException.unsupported(where, message)
                    : InferenceException.invalid(where, message);
        }
    }
}
