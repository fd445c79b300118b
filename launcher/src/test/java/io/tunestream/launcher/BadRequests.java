package io.tunestream.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.events.EventJson;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bad requests of {@link BadInputIT}, made from a service's OpenAPI document: per operation, malformed JSON, bodies
 * of the wrong shape, wrong types, missing and unknown fields, huge values, negative numbers, path traversal in names
 * (plain and URL-encoded), unknown query parameters and a body over the size limit. Each request carries the words of
 * which one must appear in the answer for its message to count as located (the field, parameter or part of the body
 * that is wrong).
 */
final class BadRequests {

    /** A JSON body larger than the services' body limit (Quarkus' default, 10 MiB, or the walk's configured one). */
    static final int OVERSIZED_BODY_BYTES = 11 * 1024 * 1024;

    /** A name far beyond any the services accept, but short enough for the HTTP request line (4 KiB). */
    private static final int HUGE_NAME_CHARS = 1_000;

    /** A string value far beyond any field's length. */
    private static final int HUGE_STRING_CHARS = 200_000;

    private static final String UNKNOWN_FIELD = "fzUnknownField";
    private static final String UNKNOWN_QUERY = "fzUnknownParameter";

    /**
     * Path-parameter values that try to leave their place: URL-encoded, dot-encoded, double-encoded and Windows-style.
     * A plain {@code ..} segment is not among them: HTTP resolves it before any route (RFC 3986 dot segments), so the
     * request names another route, which is answered as that route.
     */
    private static final List<String> TRAVERSALS =
            List.of("..%2F..%2Fsecret", "%2E%2E%2F%2E%2E%2Fsecret", "..%252F..%252Fsecret", "..%5C..%5Csecret");

    /** String fields that name something (and so are tried with a path traversal). */
    private static final Pattern NAME_LIKE =
            Pattern.compile("(?i).*(name|dataset|model|pipeline|directory|path|file|alias|evaluation|parent).*");

    /** Numeric fields whose negative values are legitimate (OpenAI's penalties and seeds, a floor that may be below zero). */
    private static final Set<String> SIGNED_FIELDS =
            Set.of("frequency_penalty", "presence_penalty", "frequencyPenalty", "presencePenalty", "seed");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One operation of an OpenAPI document. */
    record Operation(
            String service,
            String method,
            String pathTemplate,
            List<JsonNode> parameters,
            String bodyMediaType,
            JsonNode bodySchema) {

        String label() {
            return method + " " + pathTemplate;
        }
    }

    /** One bad request and the words of which one its answer must contain. */
    record BadRequest(
            Operation operation, String kind, String path, String contentType, byte[] body, List<String> locators) {}

    private final JsonNode document;
    private final Map<String, String> pathValues;
    private final Map<String, String> knownValues;

    /**
     * The other parts of each bad request are valid where the walk knows how, so that the bad part is what is answered.
     *
     * @param document the service's OpenAPI document
     * @param pathValues path parameters that name things that exist ({@code name} to a dataset's name, ...)
     * @param knownValues body fields with values a service takes ({@code model} to a served model, ...)
     */
    BadRequests(JsonNode document, Map<String, String> pathValues, Map<String, String> knownValues) {
        this.document = document;
        this.pathValues = pathValues;
        this.knownValues = knownValues;
    }

    /** Every operation of the document, in its order. */
    List<Operation> operations(String service) {
        List<Operation> operations = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            List<JsonNode> shared = list(path.getValue().path("parameters"));
            for (String method : List.of("get", "post", "put", "patch", "delete")) {
                JsonNode operation = path.getValue().get(method);
                if (operation == null) {
                    continue;
                }
                List<JsonNode> parameters = new ArrayList<>(shared);
                list(operation.path("parameters")).stream().map(this::resolve).forEach(parameters::add);
                JsonNode content = resolve(operation.path("requestBody")).path("content");
                List<String> mediaTypes = new ArrayList<>();
                content.fieldNames().forEachRemaining(mediaTypes::add);
                // A route that takes JSON among other types is walked with JSON, the type its schema describes.
                String mediaType = mediaTypes.stream()
                        .filter(BadRequests::isJson)
                        .findFirst()
                        .orElse(mediaTypes.isEmpty() ? null : mediaTypes.get(0));
                JsonNode schema = mediaType == null
                        ? null
                        : resolve(content.get(mediaType).path("schema"));
                operations.add(new Operation(
                        service, method.toUpperCase(Locale.ROOT), path.getKey(), parameters, mediaType, schema));
            }
        }
        return operations;
    }

    /**
     * {@code relay} (an operation of the gateway, which takes its body as it comes) with the body schema of the service
     * operation it relays to, inlined, so that the gateway's bodies are made as wrong as the service's.
     */
    Operation withBodyOf(Operation relay, Operation target) {
        return target.bodySchema() == null
                ? relay
                : new Operation(
                        relay.service(),
                        relay.method(),
                        relay.pathTemplate(),
                        relay.parameters(),
                        target.bodyMediaType(),
                        inline(target.bodySchema(), 0));
    }

    /** A schema with every {@code $ref} replaced by what it points to in this document. */
    private JsonNode inline(JsonNode schema, int depth) {
        JsonNode resolved = resolve(schema);
        if (depth > 8 || !resolved.isContainerNode()) {
            return resolved;
        }
        if (resolved.isArray()) {
            ArrayNode array = NODES.arrayNode();
            resolved.forEach(element -> array.add(inline(element, depth + 1)));
            return array;
        }
        ObjectNode object = NODES.objectNode();
        resolved.fields().forEachRemaining(field -> object.set(field.getKey(), inline(field.getValue(), depth + 1)));
        return object;
    }

    /** The bad requests for one operation. */
    List<BadRequest> badRequests(Operation operation) {
        List<BadRequest> requests = new ArrayList<>();
        Map<String, String> pathValues = new LinkedHashMap<>();
        List<JsonNode> queryParameters = new ArrayList<>();
        for (JsonNode parameter : operation.parameters()) {
            String name = parameter.path("name").asText();
            switch (parameter.path("in").asText()) {
                case "path" -> pathValues.put(name, encode(knownValue(name, resolve(parameter.path("schema")))));
                case "query" -> queryParameters.add(parameter);
                default -> {}
            }
        }
        byte[] validBody = operation.bodySchema() == null || !isJson(operation.bodyMediaType())
                ? null
                : bytes(plausible(operation.bodySchema(), null, 0));

        // A bad path goes with an empty object where a body is taken: with a valid body, an unknown name in the path
        // of a route that creates what it names (an import) would be a valid request.
        byte[] pathCaseBody = validBody == null ? null : "{}".getBytes(StandardCharsets.UTF_8);
        for (String parameter : pathValues.keySet()) {
            JsonNode schema = schemaOf(operation, parameter);
            List<String> locators = List.of(parameter);
            for (String traversal : TRAVERSALS) {
                requests.add(withPathValue(
                        operation, pathValues, parameter, traversal, "path traversal", pathCaseBody, locators));
            }
            requests.add(withPathValue(
                    operation, pathValues, parameter, "a".repeat(HUGE_NAME_CHARS), "huge", pathCaseBody, locators));
            if (isNumeric(schema)) {
                requests.add(withPathValue(operation, pathValues, parameter, "-1", "negative", pathCaseBody, locators));
                requests.add(withPathValue(
                        operation, pathValues, parameter, "not-a-number", "wrong type", pathCaseBody, locators));
                requests.add(withPathValue(
                        operation, pathValues, parameter, "99999999999999999999999", "huge", pathCaseBody, locators));
            } else {
                requests.add(withPathValue(
                        operation, pathValues, parameter, "fz-missing-thing", "unknown name", pathCaseBody, locators));
            }
        }

        String path = fill(operation.pathTemplate(), pathValues);
        for (JsonNode parameter : queryParameters) {
            String name = parameter.path("name").asText();
            JsonNode schema = resolve(parameter.path("schema"));
            List<String> locators = List.of(name);
            if (isNumeric(schema)) {
                requests.add(request(operation, "negative", path + "?" + name + "=-1", validBody, locators));
                requests.add(
                        request(operation, "wrong type", path + "?" + name + "=not-a-number", validBody, locators));
                requests.add(request(
                        operation, "huge", path + "?" + name + "=99999999999999999999999", validBody, locators));
            } else if ("boolean".equals(type(schema))) {
                requests.add(request(operation, "wrong type", path + "?" + name + "=maybe", validBody, locators));
            } else if (schema.has("enum")) {
                requests.add(
                        request(operation, "wrong type", path + "?" + name + "=fz-no-such-value", validBody, locators));
            }
        }
        requests.add(request(
                operation, "unknown parameter", path + "?" + UNKNOWN_QUERY + "=1", validBody, List.of(UNKNOWN_QUERY)));

        if (validBody != null) {
            bodyRequests(operation, path, requests);
        } else if (operation.bodyMediaType() != null) {
            contentRequests(operation, path, requests);
        }
        return requests;
    }

    private void bodyRequests(Operation operation, String path, List<BadRequest> requests) {
        JsonNode schema = operation.bodySchema();
        List<String> wholeBody = List.of("line", "body", "JSON");
        requests.add(
                request(operation, "malformed JSON", path, "{\"name\": ".getBytes(StandardCharsets.UTF_8), wholeBody));
        requests.add(request(operation, "malformed JSON", path, "{,}".getBytes(StandardCharsets.UTF_8), wholeBody));
        requests.add(
                request(operation, "malformed JSON", path, "not json".getBytes(StandardCharsets.UTF_8), wholeBody));
        requests.add(
                request(operation, "malformed JSON", path, new byte[] {(byte) 0xff, (byte) 0xfe, 0x00}, wholeBody));
        requests.add(request(operation, "empty body", path, new byte[0], wholeBody));
        if ("object".equals(type(schema))) {
            requests.add(request(operation, "wrong type", path, "[]".getBytes(StandardCharsets.UTF_8), wholeBody));
            requests.add(
                    request(operation, "wrong type", path, "\"text\"".getBytes(StandardCharsets.UTF_8), wholeBody));
            requests.add(request(operation, "wrong type", path, "null".getBytes(StandardCharsets.UTF_8), wholeBody));
        }
        ObjectNode valid = plausible(schema, null, 0) instanceof ObjectNode object ? object : null;
        if (valid == null) {
            return;
        }
        List<String> required =
                list(schema.path("required")).stream().map(JsonNode::asText).toList();
        if (!required.isEmpty()) {
            requests.add(request(operation, "missing field", path, "{}".getBytes(StandardCharsets.UTF_8), required));
            for (String field : required) {
                ObjectNode without = valid.deepCopy();
                without.remove(field);
                requests.add(request(operation, "missing field", path, bytes(without), List.of(field)));
            }
        }
        ObjectNode unknown = valid.deepCopy();
        unknown.put(UNKNOWN_FIELD, 1);
        requests.add(request(operation, "unknown field", path, bytes(unknown), List.of(UNKNOWN_FIELD)));

        Iterator<Map.Entry<String, JsonNode>> properties =
                schema.path("properties").fields();
        while (properties.hasNext()) {
            Map.Entry<String, JsonNode> property = properties.next();
            String field = property.getKey();
            JsonNode fieldSchema = resolve(property.getValue());
            List<String> locators = List.of(field);
            requests.add(withField(operation, path, valid, field, wrongType(fieldSchema), "wrong type", locators));
            if (isNumeric(fieldSchema)) {
                requests.add(withField(
                        operation,
                        path,
                        valid,
                        field,
                        NODES.numberNode(new java.math.BigInteger("99999999999999999999999999")),
                        "huge",
                        locators));
                if (!SIGNED_FIELDS.contains(field)
                        && !(fieldSchema.has("minimum")
                                && fieldSchema.get("minimum").asDouble() < 0)) {
                    requests.add(withField(operation, path, valid, field, NODES.numberNode(-1), "negative", locators));
                }
            } else if ("string".equals(type(fieldSchema)) && !fieldSchema.has("enum") && !fieldSchema.has("format")) {
                requests.add(withField(
                        operation,
                        path,
                        valid,
                        field,
                        NODES.textNode("x".repeat(HUGE_STRING_CHARS)),
                        "huge",
                        locators));
                if (NAME_LIKE.matcher(field).matches()) {
                    for (String traversal : List.of("../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "/etc/passwd")) {
                        requests.add(withField(
                                operation, path, valid, field, NODES.textNode(traversal), "path traversal", locators));
                    }
                }
            } else if (fieldSchema.has("enum")) {
                requests.add(withField(
                        operation, path, valid, field, NODES.textNode("fz-no-such-value"), "wrong type", locators));
            }
        }
        ObjectNode oversized = valid.deepCopy();
        oversized.put("fzPadding", "x".repeat(OVERSIZED_BODY_BYTES));
        requests.add(request(
                operation, "over the size limit", path, bytes(oversized), List.of("fzPadding", "size", "large")));
    }

    /** A body that is not JSON (an upload: lines of JSON, a multipart form): broken, empty and over the limit. */
    private void contentRequests(Operation operation, String path, List<BadRequest> requests) {
        List<String> wholeBody = List.of("line", "body", "part", "file", "upload", "boundary", "multipart");
        requests.add(request(
                operation, "malformed content", path, "{\"broken\n".getBytes(StandardCharsets.UTF_8), wholeBody));
        requests.add(request(operation, "empty body", path, new byte[0], wholeBody));
        byte[] oversized = new byte[OVERSIZED_BODY_BYTES];
        java.util.Arrays.fill(oversized, (byte) 'x');
        requests.add(
                request(operation, "over the size limit", path, oversized, List.of("size", "large", "line", "body")));
    }

    private BadRequest withField(
            Operation operation,
            String path,
            ObjectNode valid,
            String field,
            JsonNode value,
            String kind,
            List<String> locators) {
        ObjectNode body = valid.deepCopy();
        body.set(field, value);
        return request(operation, kind, path, bytes(body), locators);
    }

    private BadRequest withPathValue(
            Operation operation,
            Map<String, String> pathValues,
            String parameter,
            String rawValue,
            String kind,
            byte[] body,
            List<String> locators) {
        Map<String, String> values = new LinkedHashMap<>(pathValues);
        values.put(parameter, rawValue);
        List<String> withValue = new ArrayList<>(locators);
        withValue.add(java.net.URLDecoder.decode(rawValue.replace("+", "%2B"), StandardCharsets.UTF_8));
        return request(operation, kind, fill(operation.pathTemplate(), values), body, withValue);
    }

    /**
     * A bad request; its answer is located when it names one of {@code locators} (what was made wrong) or, as a
     * service reports the first problem it meets, any other field or parameter of the operation.
     */
    private BadRequest request(Operation operation, String kind, String path, byte[] body, List<String> locators) {
        List<String> words = new ArrayList<>(locators);
        operation
                .parameters()
                .forEach(parameter -> words.add(parameter.path("name").asText()));
        if (operation.bodySchema() != null) {
            resolve(operation.bodySchema()).path("properties").fieldNames().forEachRemaining(words::add);
        }
        return new BadRequest(operation, kind, path, operation.bodyMediaType(), body, words);
    }

    /** A value of the wrong JSON type for a field of this schema (one Jackson does not coerce). */
    private static JsonNode wrongType(JsonNode schema) {
        String type = type(schema);
        if (type == null) {
            return NODES.textNode("fz-not-a-value");
        }
        return switch (type) {
            case "integer", "number" -> NODES.textNode("not-a-number");
            case "boolean" -> NODES.textNode("maybe");
            case "array" -> NODES.objectNode().put("not", "an array");
            case "object" -> NODES.textNode("not an object");
            default -> NODES.objectNode().put("not", "a string");
        };
    }

    /** A value of this schema that a service would take, as far as the schema tells. */
    private JsonNode plausible(JsonNode schema, String field, int depth) {
        schema = resolve(schema);
        if (depth > 6) {
            return NODES.nullNode();
        }
        if (field != null
                && knownValues.containsKey(field)
                && !"object".equals(type(schema))
                && !"array".equals(type(schema))) {
            String value = knownValues.get(field);
            if (value.isEmpty()) {
                return null;
            }
            return isNumeric(schema) ? NODES.numberNode(Long.parseLong(value)) : NODES.textNode(value);
        }
        if (schema.has("enum") && !schema.get("enum").isEmpty()) {
            return schema.get("enum").get(0);
        }
        if (schema.has("allOf")) {
            return plausible(schema.get("allOf").get(0), field, depth + 1);
        }
        if (schema.has("oneOf")) {
            return plausible(schema.get("oneOf").get(0), field, depth + 1);
        }
        if (schema.has("anyOf")) {
            return plausible(schema.get("anyOf").get(0), field, depth + 1);
        }
        String type = type(schema);
        if (type == null) {
            return schema.has("properties") ? object(schema, depth) : NODES.textNode("fz");
        }
        return switch (type) {
            case "object" -> object(schema, depth);
            case "array" -> {
                ArrayNode array = NODES.arrayNode();
                JsonNode item = plausible(schema.path("items"), null, depth + 1);
                if (item != null) {
                    array.add(item);
                }
                yield array;
            }
            case "integer" ->
                NODES.numberNode(
                        schema.has("minimum")
                                ? Math.max(1, schema.get("minimum").asLong())
                                : 1);
            case "number" ->
                NODES.numberNode(
                        schema.has("minimum")
                                ? Math.max(0.5, schema.get("minimum").asDouble())
                                : 0.5);
            case "boolean" -> NODES.booleanNode(false);
            default ->
                NODES.textNode("date-time".equals(schema.path("format").asText()) ? "2026-01-01T00:00:00Z" : "fz");
        };
    }

    private ObjectNode object(JsonNode schema, int depth) {
        ObjectNode object = NODES.objectNode();
        Iterator<Map.Entry<String, JsonNode>> properties =
                schema.path("properties").fields();
        while (properties.hasNext()) {
            Map.Entry<String, JsonNode> property = properties.next();
            JsonNode value = plausible(property.getValue(), property.getKey(), depth + 1);
            if (value != null) {
                object.set(property.getKey(), value);
            }
        }
        return object;
    }

    private String knownValue(String name, JsonNode schema) {
        if (pathValues.containsKey(name)) {
            return pathValues.get(name);
        }
        return isNumeric(schema) ? "1" : "fz-missing";
    }

    private JsonNode schemaOf(Operation operation, String parameter) {
        return operation.parameters().stream()
                .filter(p -> p.path("name").asText().equals(parameter))
                .map(p -> resolve(p.path("schema")))
                .findFirst()
                .orElse(NODES.objectNode());
    }

    /** The node a {@code $ref} points to (within this document), or the node itself. */
    private JsonNode resolve(JsonNode node) {
        int hops = 0;
        while (node != null && node.has("$ref") && hops++ < 10) {
            String ref = node.get("$ref").asText();
            JsonNode target = document;
            for (String part : ref.substring(2).split("/")) {
                target = target.path(part.replace("~1", "/").replace("~0", "~"));
            }
            node = target;
        }
        return node == null ? NODES.objectNode() : node;
    }

    /** A schema's JSON type; OpenAPI 3.1 may give a list such as {@code ["integer", "null"]}. */
    private static String type(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type == null) {
            return null;
        }
        if (type.isArray()) {
            for (JsonNode each : type) {
                if (!"null".equals(each.asText())) {
                    return each.asText();
                }
            }
            return null;
        }
        return type.asText();
    }

    private static boolean isNumeric(JsonNode schema) {
        String type = type(schema);
        return "integer".equals(type) || "number".equals(type);
    }

    private static boolean isJson(String mediaType) {
        return mediaType != null && mediaType.toLowerCase(Locale.ROOT).contains("json");
    }

    private static String fill(String template, Map<String, String> values) {
        String path = template;
        for (Map.Entry<String, String> value : values.entrySet()) {
            path = path.replace("{" + value.getKey() + "}", value.getValue());
        }
        return path;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return EventJson.mapper().writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + node, e);
        }
    }
}
