package io.tunestream.generation.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.tunestream.llm.generation.TokenGrammar;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Plain JUnit: the schema subset's compiler and the schema automaton, with random choices among the tokens it
 * allows (as the sampler masks them), each output checked by an independent JSON Schema validator.
 */
class JsonSchemaGrammarTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SCHEMA = """
            {"type": "object",
             "properties": {
               "name": {"type": "string", "description": "who"},
               "age": {"type": "integer"},
               "score": {"type": "number"},
               "member": {"type": "boolean"},
               "colour": {"enum": ["red", "green", 12, null]},
               "address": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
               "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3}
             },
             "required": ["name", "age", "score", "member", "colour", "address", "tags"],
             "additionalProperties": false}
            """;

    /**
     * JSON's punctuation and every character the schema's keys need (byte-level BPE has every byte as a token), a few
     * longer pieces, a non-ASCII character, an incomplete character, and end-of-sequence last.
     */
    private static final List<String> VOCABULARY = List.of(
            "{",
            "}",
            "[",
            "]",
            "\"",
            ":",
            ",",
            " ",
            "0",
            "1",
            "2",
            "7",
            "-",
            ".",
            "e",
            "+",
            "a",
            "b",
            "x",
            "r",
            "d",
            "g",
            "n",
            "t",
            "u",
            "l",
            "f",
            "s",
            "c",
            "o",
            "m",
            "i",
            "y",
            "\\",
            "\"name\":",
            "\"age\":",
            "true",
            "false",
            "null",
            "\"red\"",
            "12",
            "},",
            "é",
            "\uFFFD",
            "");

    private static final int EOS = VOCABULARY.size() - 1;

    @Test
    void shouldLetRandomChoicesProduceOnlyValuesThatTheSchemaValidatesWithinTheTokenLimit() throws Exception {
        JsonSchemaSubset schema = JsonSchemaSubset.compile(JSON.readTree(SCHEMA));
        JsonSchema validator =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(JSON.readTree(SCHEMA));
        String[] texts = VOCABULARY.toArray(String[]::new);
        JsonSchemaGrammar grammar = new JsonSchemaGrammar(schema, texts);
        int minimum = schema.root().minLength();
        for (int run = 0; run < 200; run++) {
            SplittableRandom random = new SplittableRandom(run);
            int maxTokens = minimum + run % 40;
            TokenGrammar.State state = grammar.start();
            StringBuilder text = new StringBuilder();
            boolean ended = false;
            for (int step = 0; step < maxTokens && !ended; step++) {
                List<Integer> allowed = new ArrayList<>();
                for (int id = 0; id < texts.length; id++) {
                    boolean ok =
                            id == EOS ? state.complete() : !state.complete() && state.allows(id, maxTokens - step - 1);
                    if (ok) {
                        allowed.add(id);
                    }
                }
                assertThat(allowed).as("run %d after %s", run, text).isNotEmpty();
                int token = allowed.get(random.nextInt(allowed.size()));
                if (token == EOS) {
                    ended = true;
                } else {
                    state.accept(token);
                    text.append(texts[token]);
                }
            }
            assertThat(state.complete()).as("run %d: %s", run, text).isTrue();
            JsonNode answer = JSON.readTree(text.toString());
            assertThat(validator.validate(answer)).as("run %d: %s", run, text).isEmpty();
            assertThat(text.toString()).doesNotContain("\uFFFD");
        }
    }

    @Test
    void shouldAcceptExactlyTheValuesOfTheSchemaInItsPropertyOrder() throws Exception {
        JsonSchemaSubset schema = JsonSchemaSubset.compile(JSON.readTree(SCHEMA));
        String valid = "{\"name\":\"Ada\",\"age\":-3,\"score\":1.5e+2,\"member\":true,\"colour\":12,"
                + "\"address\":{\"city\":\"Z\\u00fcrich\"},\"tags\":[\"a\",\"b\"]}";
        assertThat(JsonSchemaGrammar.isComplete(schema, valid)).isTrue();
        assertThat(JsonSchemaGrammar.isPrefix(schema, "{\"name\":\"Ada\",\"age\":"))
                .isTrue();
        assertThat(JsonSchemaGrammar.isPrefix(schema, "{\"age\":"))
                .as("property order")
                .isFalse();
        assertThat(JsonSchemaGrammar.isPrefix(schema, "{\"name\":1"))
                .as("a number for a string")
                .isFalse();
        assertThat(JsonSchemaGrammar.isPrefix(schema, "{\"name\":\"A\",\"age\":1.5"))
                .as("integer")
                .isFalse();
        assertThat(JsonSchemaGrammar.isPrefix(schema, "{\"name\":\"A\",\"age\":1,\"score\":1,\"member\":tru"))
                .isTrue();
        assertThat(JsonSchemaGrammar.isPrefix(schema, "{\"name\":\"A\",\"age\":1,\"score\":1,\"member\":1"))
                .isFalse();
        assertThat(JsonSchemaGrammar.isPrefix(
                        schema, "{\"name\":\"A\",\"age\":1,\"score\":1,\"member\":false,\"colour\":\"blue\""))
                .as("not in the enum")
                .isFalse();
        assertThat(JsonSchemaGrammar.isComplete(
                        schema,
                        "{\"name\":\"A\",\"age\":1,\"score\":1,\"member\":false,\"colour\":null,"
                                + "\"address\":{\"city\":\"\"},\"tags\":[]}"))
                .as("minItems 1")
                .isFalse();
        assertThat(JsonSchemaGrammar.isPrefix(
                        schema,
                        "{\"name\":\"A\",\"age\":1,\"score\":1,\"member\":false,\"colour\":null,"
                                + "\"address\":{\"city\":\"\"},\"tags\":[\"a\",\"b\",\"c\","))
                .as("maxItems 3")
                .isFalse();
        assertThat(JsonSchemaGrammar.isPrefix(schema, "{ \"name\""))
                .as("no whitespace")
                .isFalse();
    }

    @Test
    void shouldRefuseKeywordsOutsideTheSubsetNamingThem() {
        assertThatThrownBy(() -> JsonSchemaSubset.compile(JSON.readTree(
                        "{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\",\"pattern\":\"^a\"}}}")))
                .isInstanceOfSatisfying(JsonSchemaSubset.UnsupportedSchemaException.class, e -> {
                    assertThat(e.path()).isEqualTo("properties.code.pattern");
                    assertThat(e.unsupported()).isTrue();
                    assertThat(e.getMessage()).contains("'pattern'");
                });
        assertThatThrownBy(() -> JsonSchemaSubset.compile(JSON.readTree("{\"anyOf\":[{\"type\":\"string\"}]}")))
                .isInstanceOfSatisfying(
                        JsonSchemaSubset.UnsupportedSchemaException.class,
                        e -> assertThat(e.path()).isEqualTo("type"));
        assertThatThrownBy(() -> JsonSchemaSubset.compile(JSON.readTree("{\"type\":\"array\",\"items\":{}}")))
                .isInstanceOfSatisfying(
                        JsonSchemaSubset.UnsupportedSchemaException.class,
                        e -> assertThat(e.path()).isEqualTo("items.type"));
        assertThatThrownBy(() -> JsonSchemaSubset.compile(
                        JSON.readTree("{\"type\":\"object\",\"properties\":{},\"required\":[\"missing\"]}")))
                .isInstanceOfSatisfying(JsonSchemaSubset.UnsupportedSchemaException.class, e -> {
                    assertThat(e.path()).isEqualTo("required");
                    assertThat(e.unsupported()).isFalse();
                });
    }
}
