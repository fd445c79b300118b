package io.tunestream.launcher.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.llm.bootstrap.ScratchModel;
import io.tunestream.llm.bootstrap.ScratchModelSpec;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.TaskFamily;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What a chaos or soak run feeds the loop: a tiny scratch model (the shape LoopIT uses: seconds to make, fast to
 * generate with and to train on two cores) to import, and distinct synthetic Alpaca samples to publish.
 *
 * @param modelDirectory the model's Hugging Face directory, under {@link LoopWorkload#MODEL}'s name
 * @param samples distinct records, in a fixed order
 */
public record LoopFixture(Path modelDirectory, List<JsonNode> samples) {

    /** Makes the model and at least {@code samples} samples (if the task families have that many) under {@code work}. */
    public static LoopFixture create(Path work, long seed, int samples) {
        Path corpus = work.resolve("corpus");
        int perFamily = samples / EnumSet.allOf(TaskFamily.class).size() + 1;
        // The easiest tasks run out of distinct instances (there are 100 one-digit additions): longer runs take the
        // next difficulty.
        int difficulty = perFamily <= 60 ? 1 : 2;
        try {
            SyntheticCorpus.write(
                    corpus, new CorpusSpec(seed, perFamily, 0, difficulty, EnumSet.allOf(TaskFamily.class)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the synthetic corpus under " + corpus, e);
        }
        Path model = work.resolve("models").resolve(LoopWorkload.MODEL);
        Path sft = corpus.resolve(SyntheticCorpus.SFT_FILE);
        ScratchModel.create(model, sft, new ScratchModelSpec(seed, 300, 32, 1, 2, 1, 64, 256));
        // Distinct records only: the dataset stores a content once, and the invariant counts contents.
        List<JsonNode> distinct = List.copyOf(new LinkedHashSet<>(LoopWorkload.readSamples(sft)));
        return new LoopFixture(model, distinct);
    }
}
