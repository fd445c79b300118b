package io.tunestream.llm.generation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Plain JUnit: the JSON automaton and the sampler's masking, over a small vocabulary of strings. */
class JsonGrammarTest {

    /** Single characters, a few multi-character pieces, an incomplete character and an end-of-sequence id (last). */
    private static final List<String> VOCABULARY = List.of(
            "{",
            "}",
            "[",
            "]",
            "\"",
            ":",
            ",",
            " ",
            "\n",
            "0",
            "1",
            "7",
            "-",
            ".",
            "e",
            "a",
            "b",
            "x",
            "true",
            "false",
            "null",
            "t",
            "r",
            "u",
            "f",
            "l",
            "s",
            "n",
            "\\",
            "\"key\":",
            "},",
            "12",
            "\uFFFD",
            "");

    private static final int EOS = VOCABULARY.size() - 1;

    @Test
    void shouldAcceptPrefixesOfAnObjectAndRefuseAnythingElse() {
        assertThat(JsonGrammar.isObjectPrefix("{\"a\": [1, -2.5e+3, true, null, {\"b\": \"x\\u00e9\\n\"}]"))
                .isTrue();
        assertThat(JsonGrammar.isObjectPrefix("{\"a\": 01")).isFalse();
        assertThat(JsonGrammar.isObjectPrefix("[1]")).isFalse();
        assertThat(JsonGrammar.isObjectPrefix("{\"a\" 1")).isFalse();
        assertThat(JsonGrammar.isObjectPrefix("{\"a\": 1,}")).isFalse();
        assertThat(JsonGrammar.isObjectPrefix("{\"a\": tru}")).isFalse();
        assertThat(JsonGrammar.isObjectPrefix("{} ")).isFalse();
        assertThat(JsonGrammar.isObjectPrefix(" {")).isFalse();
    }

    @Test
    void shouldLetRandomSamplingProduceOnlyObjectsThatParseWithinTheTokenLimit() throws Exception {
        String[] texts = VOCABULARY.toArray(String[]::new);
        JsonGrammar grammar = new JsonGrammar(texts);
        ObjectMapper json = new ObjectMapper();
        SplittableRandom logitsRandom = new SplittableRandom(5);
        for (int run = 0; run < 200; run++) {
            int maxTokens = 2 + run % 30;
            SamplingParams params = SamplingParams.sampled(maxTokens, 1.0, 1.0, run);
            TokenSampler sampler =
                    new TokenSampler(params, new int[] {0}, new SplittableRandom(run), grammar.start(), Set.of(EOS));
            StringBuilder text = new StringBuilder();
            List<Integer> tokens = new ArrayList<>();
            for (int step = 0; step < maxTokens; step++) {
                float[] logits = new float[texts.length];
                for (int i = 0; i < logits.length; i++) {
                    logits[i] = (float) logitsRandom.nextGaussian() * 3;
                }
                int token = sampler.next(logits, 0, logits.length, maxTokens - step);
                if (token == EOS) {
                    break;
                }
                sampler.accept(token);
                tokens.add(token);
                text.append(texts[token]);
            }
            assertThat(json.readTree(text.toString()).isObject())
                    .as("run %d: %s", run, text)
                    .isTrue();
            assertThat(tokens).doesNotContain(VOCABULARY.indexOf("\uFFFD"));
        }
    }
}
