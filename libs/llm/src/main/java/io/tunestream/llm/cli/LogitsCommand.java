package io.tunestream.llm.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaModel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints {@code {"logits": [[...], ...]}}: one row of vocabulary-size floats per input position. */
@Command(name = "logits", description = "Print the logits of every position of a token id sequence as JSON.")
final class LogitsCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Hugging Face model directory")
    Path model;

    @Option(names = "--ids", required = true, description = "token ids, e.g. \"1 5 9\"")
    String ids;

    @Override
    public Integer call() {
        int[] tokens = Json.parseIds(ids);
        Inference.disableGradientsOnThisThread();
        try (LlamaModel llama = LlamaModel.load(model);
                NDManager scope = llama.manager().newSubManager()) {
            int vocab = llama.config().vocabSize();
            for (int id : tokens) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException(
                            "token id " + id + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
            long[] input = Arrays.stream(tokens).asLongStream().toArray();
            float[] logits = llama.forward(scope.create(input, new Shape(1, input.length)), null, null, false)
                    .toFloatArray();
            print(System.out, logits, tokens.length, vocab);
        }
        return 0;
    }

    /** Float.toString is the shortest decimal that reads back as the same float: full precision, no noise digits. */
    static void print(PrintStream out, float[] logits, int positions, int vocab) {
        StringBuilder json = new StringBuilder(logits.length * 12 + 16).append("{\"logits\": [");
        for (int t = 0; t < positions; t++) {
            json.append(t == 0 ? "[" : ", [");
            for (int v = 0; v < vocab; v++) {
                if (v > 0) {
                    json.append(", ");
                }
                float value = logits[t * vocab + v];
                if (!Float.isFinite(value)) {
                    throw new IllegalStateException("the logit of token " + v + " at position " + t + " is " + value
                            + "; the model's weights or activations are not finite");
                }
                json.append(value);
            }
            json.append(']');
        }
        out.println(json.append("]}"));
        out.flush();
    }
}
