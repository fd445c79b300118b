package io.tunestream.llm.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunestream.llm.tasks.TaskFamily;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads evaluation items from JSONL as {@code SyntheticCorpus} writes {@code eval.jsonl}: Alpaca records
 * ({@code instruction}, optional {@code input}, {@code output}) with an extra {@code family} field naming a
 * {@link TaskFamily}, and optionally an {@code answer_pattern} regex (see {@link AnswerPattern}). Blank lines are
 * skipped.
 */
public final class EvalItems {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EvalItems() {}

    /**
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException naming file and line, for a line that is not such a record
     */
    public static List<EvalItem> read(Path evalJsonl) throws IOException {
        List<EvalItem> items = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(evalJsonl, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    items.add(parse(line, evalJsonl + ":" + number));
                }
            }
        }
        return items;
    }

    private static EvalItem parse(String line, String where) {
        JsonNode json;
        try {
            json = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!json.isObject()) {
            throw new IllegalArgumentException(where + ": expected a JSON object with instruction, output and family");
        }
        String instruction = text(json, "instruction", where);
        String output = text(json, "output", where);
        String familyName = text(json, "family", where);
        TaskFamily family;
        try {
            family = TaskFamily.valueOf(familyName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    where + ": unknown family \"" + familyName + "\" (one of " + Arrays.toString(TaskFamily.values())
                            + ")",
                    e);
        }
        String input = json.path("input").asText("");
        // Alpaca's input is the material the instruction works on; the prompt shows it below the instruction.
        String prompt = input.isEmpty() ? instruction : instruction + "\n\n" + input;
        AnswerPattern pattern = null;
        if (json.hasNonNull("answer_pattern")) {
            try {
                pattern = AnswerPattern.of(json.get("answer_pattern").asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        try {
            return new EvalItem(family, prompt, output, pattern);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode json, String field, String where) {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(where + ": missing string field \"" + field + "\" (an eval record has"
                    + " instruction, output, family and optionally input and answer_pattern)");
        }
        return value.asText();
    }
}
