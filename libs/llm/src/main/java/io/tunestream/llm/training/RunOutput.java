package io.tunestream.llm.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's directory: {@code run.json} (the full configuration, also copied beside every checkpoint),
 * {@code metrics.jsonl} (one line per step, appended) and {@code checkpoints/}.
 */
public record RunOutput(Path directory, ObjectNode run, int checkpointEvery) {

    public static final String METRICS = "metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    public RunOutput {
        try {
            Files.createDirectories(directory.resolve("checkpoints"));
            JSON.copy()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(directory.resolve(TrainingCheckpoint.RUN).toFile(), run);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run directory " + directory, e);
        }
    }

    public Path checkpoints() {
        return directory.resolve("checkpoints");
    }

    /** A resumed run rewrites history from its checkpoint on: lines of later steps are dropped. */
    void truncateMetricsAfter(long step) {
        Path file = directory.resolve(METRICS);
        if (!Files.exists(file)) {
            return;
        }
        try {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && JSON.readTree(line).path("step").asLong() <= step) {
                    kept.add(line);
                }
            }
            Files.write(file, kept, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file, e);
        }
    }

    void appendMetrics(StepMetrics metrics) {
        ObjectNode line = JSON.createObjectNode();
        line.put("step", metrics.step());
        line.put("loss", metrics.loss());
        line.put("learning_rate", metrics.learningRate());
        line.put("grad_norm", metrics.gradNorm());
        line.put("tokens_per_second", metrics.tokensPerSecond());
        metrics.metrics().forEach(line::put);
        try {
            Files.writeString(
                    directory.resolve(METRICS),
                    JSON.writeValueAsString(line) + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + directory.resolve(METRICS), e);
        }
    }
}
