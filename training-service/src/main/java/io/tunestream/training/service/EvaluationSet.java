package io.tunestream.training.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.events.EventJson;
import io.tunestream.events.GateEvaluation;
import io.tunestream.llm.data.InstructionRecord;
import io.tunestream.llm.prompt.ChatMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A sealed evaluation set: the verifiable questions a model's promotion policy names, read from the dataset version's
 * {@code eval.jsonl}, where the dataset-service writes every record as the engine's canonical instruction record
 * ({@code instruction}, {@code input}, {@code output}) plus the record's {@code family} when it had one.
 *
 * @param sha256 the sha256 of the {@code eval.jsonl} the items were read from (verified against the manifest)
 */
record EvaluationSet(String dataset, int version, String sha256, List<Item> items) {

    public EvaluationSet {
        items = List.copyOf(items);
    }

    /**
     * One question with its reference answer and task family.
     *
     * @param family the record's {@code family}, {@link GateEvaluation#DEFAULT_FAMILY} without one
     */
    record Item(ExactMatch.Question question, String family) {}

    /**
     * Reads {@code file} (JSON lines; blank lines skipped).
     *
     * @throws IllegalArgumentException naming the file, line and field, for a line that is not such a record, or a
     *     file without any
     */
    static EvaluationSet read(Path file, String dataset, int version, String sha256) {
        List<Item> items = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    items.add(parse(
                            line,
                            "evaluation set " + dataset + " version " + version + " (eval.jsonl) line " + number));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(
                    "evaluation set " + dataset + " version " + version + " has no records in its eval.jsonl");
        }
        return new EvaluationSet(dataset, version, sha256, items);
    }

    private static Item parse(String line, String where) {
        JsonNode json;
        try {
            json = EventJson.mapper().readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": not JSON: " + e.getMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException(where + ": expected a JSON object with instruction, output and family");
        }
        String instruction = text(json, "instruction", where, true);
        String input = text(json, "input", where, false);
        String output = text(json, "output", where, true);
        String family = text(json, "family", where, false);
        List<ChatMessage> messages = new InstructionRecord(instruction, input, output).messages();
        return new Item(
                new ExactMatch.Question(messages.subList(0, messages.size() - 1), output),
                family == null || family.isBlank() ? GateEvaluation.DEFAULT_FAMILY : family.strip());
    }

    private static String text(JsonNode json, String field, String where, boolean required) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException(where + ": '" + field + "' is missing");
            }
            return null;
        }
        if (!value.isTextual() || (required && value.asText().isBlank())) {
            throw new IllegalArgumentException(where + ": '" + field + "' must be a non-blank string");
        }
        return value.asText();
    }
}
