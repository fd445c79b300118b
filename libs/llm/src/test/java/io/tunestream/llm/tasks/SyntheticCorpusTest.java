package io.tunestream.llm.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunestream.llm.data.DataFormat;
import io.tunestream.llm.data.DataRecord;
import io.tunestream.llm.data.DatasetReader;
import io.tunestream.llm.data.InstructionRecord;
import io.tunestream.llm.data.ParsedRecord;
import io.tunestream.llm.data.TextRecord;
import io.tunestream.llm.data.ValidationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCorpusTest {

    private static final List<String> FILES = List.of(
            SyntheticCorpus.PRETRAIN_FILE,
            SyntheticCorpus.SFT_FILE,
            SyntheticCorpus.EVAL_FILE,
            SyntheticCorpus.MANIFEST_FILE);

    @TempDir
    Path dir;

    private static CorpusSpec spec(long seed) {
        return new CorpusSpec(seed, 300, 40, 2, EnumSet.allOf(TaskFamily.class));
    }

    @Test
    void sameSpecWritesIdenticalBytesAndAnotherSeedDifferentOnes() throws IOException {
        SyntheticCorpus.write(dir.resolve("a"), spec(11));
        SyntheticCorpus.write(dir.resolve("b"), spec(11));
        SyntheticCorpus.write(dir.resolve("c"), spec(12));

        for (String file : FILES) {
            byte[] first = Files.readAllBytes(dir.resolve("a").resolve(file));
            assertThat(first)
                    .as(file)
                    .isNotEmpty()
                    .isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(file)));
            assertThat(first)
                    .as(file)
                    .isNotEqualTo(Files.readAllBytes(dir.resolve("c").resolve(file)));
        }
    }

    @Test
    void filesReadBackWithTheDatasetReader() throws IOException {
        SyntheticCorpus.write(dir, spec(1));
        int families = TaskFamily.values().length;

        List<DataRecord> pretrain = records(SyntheticCorpus.PRETRAIN_FILE, DataFormat.TEXT);
        List<DataRecord> sft = records(SyntheticCorpus.SFT_FILE, DataFormat.INSTRUCTION);
        ValidationReport eval = DatasetReader.validate(dir.resolve(SyntheticCorpus.EVAL_FILE), null, 5);

        assertThat(pretrain).hasSize(300 * families);
        assertThat(sft).hasSize(300 * families);
        assertThat(eval.isValid()).isTrue();
        assertThat(eval.format()).isEqualTo(DataFormat.INSTRUCTION);
        assertThat(eval.recordCount()).isEqualTo(40L * families);
        InstructionRecord firstSft = (InstructionRecord) sft.get(0);
        assertThat(pretrain.get(0))
                .isEqualTo(new TextRecord(firstSft.instruction() + "\nAnswer: " + firstSft.output()));
        assertThat(firstSft.input()).isEmpty();
    }

    @Test
    void evalRecordsNameTheirFamilyAndAreAnsweredCorrectly() throws IOException {
        SyntheticCorpus.write(dir, spec(2));
        ObjectMapper mapper = new ObjectMapper();
        List<String> lines = Files.readAllLines(dir.resolve(SyntheticCorpus.EVAL_FILE));

        for (int i = 0; i < lines.size(); i++) {
            JsonNode json = mapper.readTree(lines.get(i));
            TaskFamily family = TaskFamily.valueOf(json.get("family").asText());
            // Families alternate, so a prefix of the file is balanced.
            assertThat(family).isEqualTo(TaskFamily.values()[i % TaskFamily.values().length]);
            SyntheticTask task = new SyntheticTask(
                    family, json.get("instruction").asText(), json.get("output").asText(), 2);
            assertThat(AnswerExtractor.isCorrect(task, json.get("output").asText()))
                    .isTrue();
        }
    }

    @Test
    void evalPromptsAreDistinctAndNeverInTraining() throws IOException {
        // One-digit addition has only 100 prompts: half held out leaves training to draw from the other half.
        CorpusSpec small = new CorpusSpec(3, 2000, 50, 1, EnumSet.of(TaskFamily.ADDITION, TaskFamily.SORT_DIGITS));
        SyntheticCorpus.write(dir, small);

        Set<String> train = new HashSet<>();
        for (DataRecord record : records(SyntheticCorpus.SFT_FILE, DataFormat.INSTRUCTION)) {
            train.add(((InstructionRecord) record).instruction());
        }
        List<String> eval = records(SyntheticCorpus.EVAL_FILE, DataFormat.INSTRUCTION).stream()
                .map(record -> ((InstructionRecord) record).instruction())
                .toList();

        assertThat(eval).hasSize(100).doesNotHaveDuplicates().noneMatch(train::contains);
        assertThat(train).hasSizeGreaterThan(40);
    }

    @Test
    void tooSmallPromptSpaceIsReported() {
        CorpusSpec impossible = new CorpusSpec(3, 10, 100, 1, EnumSet.of(TaskFamily.ADDITION));

        assertThatThrownBy(() -> SyntheticCorpus.write(dir, impossible))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ADDITION at difficulty 1 has too few distinct prompts")
                .hasMessageContaining("raise the difficulty");
    }

    @Test
    void manifestDescribesTheCorpus() throws IOException {
        SyntheticCorpus.write(
                dir, new CorpusSpec(9, 5, 2, 3, EnumSet.of(TaskFamily.COUNT_LETTER, TaskFamily.ADDITION)));

        JsonNode manifest = new ObjectMapper()
                .readTree(dir.resolve(SyntheticCorpus.MANIFEST_FILE).toFile());

        assertThat(manifest.get("seed").asLong()).isEqualTo(9);
        assertThat(manifest.get("difficulty").asInt()).isEqualTo(3);
        assertThat(manifest.get("files").get("sft").asText()).isEqualTo("sft.jsonl");
        assertThat(manifest.get("families")).hasSize(2);
        JsonNode addition = manifest.get("families").get(0);
        assertThat(addition.get("family").asText()).isEqualTo("ADDITION");
        assertThat(addition.get("train").asInt()).isEqualTo(5);
        assertThat(addition.get("eval").asInt()).isEqualTo(2);
        assertThat(addition.get("example").get("prompt").asText()).startsWith("What is ");
    }

    @Test
    void specValidatesAndHasDefaults() {
        CorpusSpec defaults = CorpusSpec.defaults();
        assertThat(defaults.families()).containsExactly(TaskFamily.values());
        assertThat(defaults.trainPerFamily()).isPositive();
        assertThatThrownBy(() -> new CorpusSpec(1, 10, 1, 1, Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("families");
        assertThatThrownBy(() -> new CorpusSpec(1, 0, 1, 1, Set.of(TaskFamily.ADDITION)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trainPerFamily");
        assertThatThrownBy(() -> new CorpusSpec(1, 1, 1, 0, Set.of(TaskFamily.ADDITION)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("difficulty");
    }

    private List<DataRecord> records(String file, DataFormat format) throws IOException {
        try (DatasetReader reader = DatasetReader.open(dir.resolve(file), format)) {
            return reader.stream().map(ParsedRecord::record).toList();
        }
    }
}
