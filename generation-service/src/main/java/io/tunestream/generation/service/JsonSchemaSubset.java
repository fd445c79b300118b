package io.tunestream.generation.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of JSON Schema that {@code response_format: json_schema} enforces by constrained decoding
 * ({@link JsonSchemaGrammar}). The root is an object; a schema is:
 *
 * <ul>
 *   <li>{@code type: object} with {@code properties} (each a schema of this subset), {@code required} (names among
 *       them) and {@code additionalProperties} (any value: no other property is ever written);
 *   <li>{@code type: array} with {@code items} (a schema of this subset), {@code minItems}, {@code maxItems};
 *   <li>{@code type: string}, {@code number}, {@code integer}, {@code boolean} or {@code null};
 *   <li>{@code enum} of strings, numbers, booleans or null (with or without a {@code type} they all match);
 *   <li>{@code const}, as an enum of one value.
 * </ul>
 *
 * <p>{@code title}, {@code description}, {@code default}, {@code examples} and {@code $schema} are annotations and
 * are accepted. Every other keyword ({@code pattern}, {@code format}, {@code minimum}, {@code anyOf}, {@code $ref},
 * a list of types, ...) is refused with the path of the keyword, since decoding could not guarantee it.
 */
public final class JsonSchemaSubset {

    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "default", "examples", "$schema");

    private final Node root;

    private JsonSchemaSubset(Node root) {
        this.root = root;
    }

    Node root() {
        return root;
    }

    /** The fewest characters of a value of the schema: a token limit below it cannot hold an answer. */
    public int minLength() {
        return root.minLength();
    }

    /** A schema this subset does not cover or that is malformed. */
    public static final class UnsupportedSchemaException extends RuntimeException {

        private final String path;
        private final boolean unsupported;

        UnsupportedSchemaException(String path, String message, boolean unsupported) {
            super(message);
            this.path = path;
            this.unsupported = unsupported;
        }

        /** Where in the schema, e.g. {@code properties.name.pattern}. */
        public String path() {
            return path;
        }

        /** True for a valid JSON Schema keyword this subset lacks; false for a malformed schema. */
        public boolean unsupported() {
            return unsupported;
        }
    }

    /**
     * @throws UnsupportedSchemaException naming the first keyword outside the subset, or a malformed one
     */
    public static JsonSchemaSubset compile(JsonNode schema) {
        Node root = node(schema, "");
        if (!(root instanceof ObjectNode)) {
            throw new UnsupportedSchemaException(
                    "type", "the schema's root must be of type 'object' (as OpenAI requires)", true);
        }
        return new JsonSchemaSubset(root);
    }

    private static Node node(JsonNode schema, String path) {
        if (schema == null || !schema.isObject()) {
            throw malformed(path, "a schema must be a JSON object");
        }
        Set<String> allowed = new HashSet<>(ANNOTATIONS);
        allowed.add("type");
        allowed.add("enum");
        allowed.add("const");
        String type = null;
        JsonNode typeNode = schema.get("type");
        if (typeNode != null) {
            if (!typeNode.isTextual()) {
                throw new UnsupportedSchemaException(
                        at(path, "type"), "only a single type name is supported at " + at(path, "type"), true);
            }
            type = typeNode.asText();
        }
        Node node;
        if (schema.has("enum") || schema.has("const")) {
            node = literals(schema, path, type);
        } else if (type == null) {
            throw new UnsupportedSchemaException(
                    at(path, "type"), "every schema needs a 'type' (or an 'enum') at " + label(path), true);
        } else {
            node = switch (type) {
                case "object" -> {
                    allowed.addAll(Set.of("properties", "required", "additionalProperties"));
                    yield object(schema, path);
                }
                case "array" -> {
                    allowed.addAll(Set.of("items", "minItems", "maxItems"));
                    yield array(schema, path);
                }
                case "string" -> new StringNode();
                case "number" -> new NumberNode(false);
                case "integer" -> new NumberNode(true);
                case "boolean" -> new LiteralsNode(List.of("true", "false"));
                case "null" -> new LiteralsNode(List.of("null"));
                default -> throw malformed(at(path, "type"), "unknown type '" + type + "' at " + at(path, "type"));
            };
        }
        Iterator<String> fields = schema.fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            if (!allowed.contains(field)) {
                throw new UnsupportedSchemaException(
                        at(path, field),
                        "the JSON Schema keyword '" + field + "' (at " + at(path, field)
                                + ") is not supported by this server's constrained decoding",
                        true);
            }
        }
        return node;
    }

    private static Node object(JsonNode schema, String path) {
        List<String> keys = new ArrayList<>();
        List<Node> values = new ArrayList<>();
        JsonNode properties = schema.get("properties");
        Set<String> names = new HashSet<>();
        if (properties != null) {
            if (!properties.isObject()) {
                throw malformed(at(path, "properties"), "properties must be an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> property = it.next();
                names.add(property.getKey());
                keys.add(jsonString(property.getKey()));
                values.add(node(property.getValue(), at(at(path, "properties"), property.getKey())));
            }
        }
        JsonNode required = schema.get("required");
        if (required != null) {
            if (!required.isArray()) {
                throw malformed(at(path, "required"), "required must be an array of property names");
            }
            for (JsonNode name : required) {
                if (!name.isTextual() || !names.contains(name.asText())) {
                    throw malformed(
                            at(path, "required"),
                            "required names " + name + ", which is not among the properties at " + label(path));
                }
            }
        }
        return new ObjectNode(keys, values);
    }

    private static Node array(JsonNode schema, String path) {
        JsonNode items = schema.get("items");
        if (items == null) {
            throw new UnsupportedSchemaException(
                    at(path, "items"), "an array needs 'items' (a schema) at " + label(path), true);
        }
        int min = count(schema, path, "minItems", 0);
        int max = count(schema, path, "maxItems", Integer.MAX_VALUE);
        if (min > max) {
            throw malformed(at(path, "minItems"), "minItems is above maxItems at " + label(path));
        }
        return new ArrayNode(node(items, at(path, "items")), min, max);
    }

    private static int count(JsonNode schema, String path, String keyword, int absent) {
        JsonNode value = schema.get(keyword);
        if (value == null) {
            return absent;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0) {
            throw malformed(at(path, keyword), keyword + " must be a non-negative integer");
        }
        return value.asInt();
    }

    private static Node literals(JsonNode schema, String path, String type) {
        List<String> literals = new ArrayList<>();
        String keyword = schema.has("enum") ? "enum" : "const";
        if (schema.has("enum") && schema.has("const")) {
            throw malformed(path, "a schema has either 'enum' or 'const', not both");
        }
        JsonNode values = schema.get(keyword);
        if (keyword.equals("enum") && (!values.isArray() || values.isEmpty())) {
            throw malformed(at(path, "enum"), "enum must be a non-empty array");
        }
        for (JsonNode value : keyword.equals("enum") ? values : List.of(values)) {
            if (!(value.isTextual() || value.isNumber() || value.isBoolean() || value.isNull())) {
                throw new UnsupportedSchemaException(
                        at(path, keyword),
                        keyword + " values must be strings, numbers, booleans or null at " + at(path, keyword),
                        true);
            }
            if (type != null && !matches(value, type)) {
                throw malformed(at(path, keyword), keyword + " value " + value + " is not of type '" + type + "'");
            }
            literals.add(value.toString());
        }
        return new LiteralsNode(List.copyOf(literals));
    }

    private static boolean matches(JsonNode value, String type) {
        return switch (type) {
            case "string" -> value.isTextual();
            case "number" -> value.isNumber();
            case "integer" -> value.isIntegralNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> false;
        };
    }

    private static String jsonString(String text) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(text).toString();
    }

    private static String at(String path, String keyword) {
        return path.isEmpty() ? keyword : path + "." + keyword;
    }

    private static String label(String path) {
        return path.isEmpty() ? "the root" : path;
    }

    private static UnsupportedSchemaException malformed(String path, String message) {
        return new UnsupportedSchemaException(path, message, false);
    }

    /** A compiled schema: what the grammar writes and the fewest characters a value of it takes. */
    sealed interface Node permits ObjectNode, ArrayNode, StringNode, NumberNode, LiteralsNode {
        int minLength();
    }

    /** @param keys each property's name as a JSON string, quotes included */
    record ObjectNode(List<String> keys, List<Node> values, int[] tails) implements Node {

        ObjectNode(List<String> keys, List<Node> values) {
            this(List.copyOf(keys), List.copyOf(values), tails(keys, values));
        }

        /** tails[i]: the fewest characters from property i's comma to the closing brace (tails[size] = 1). */
        private static int[] tails(List<String> keys, List<Node> values) {
            int[] tails = new int[keys.size() + 1];
            tails[keys.size()] = 1;
            for (int i = keys.size() - 1; i >= 0; i--) {
                tails[i] = tails[i + 1]
                        + 1
                        + keys.get(i).length()
                        + 1
                        + values.get(i).minLength();
            }
            return tails;
        }

        int tailLength(int property) {
            return tails[property];
        }

        @Override
        public int minLength() {
            // "{" + every property with its comma, less the first comma, + "}"; an empty object is "{}".
            return keys.isEmpty() ? 2 : tails[0];
        }
    }

    record ArrayNode(Node items, int minItems, int maxItems) implements Node {
        @Override
        public int minLength() {
            return 2 + (minItems == 0 ? 0 : minItems * items.minLength() + (minItems - 1));
        }
    }

    record StringNode() implements Node {
        @Override
        public int minLength() {
            return 2;
        }
    }

    record NumberNode(boolean integer) implements Node {
        @Override
        public int minLength() {
            return 1;
        }
    }

    record LiteralsNode(List<String> literals) implements Node {
        @Override
        public int minLength() {
            return literals.stream().mapToInt(String::length).min().orElseThrow();
        }
    }
}
