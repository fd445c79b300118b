package io.tunestream.llm.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunestream.llm.prompt.ChatMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetWriterTest {

    @TempDir
    Path dir;

    @Test
    void writesCanonicalJsonOnePerLine() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DatasetWriter writer = DatasetWriter.to(bytes)) {
            writer.write(new InstructionRecord("Add.", "", "4"));
            writer.write(new PreferenceRecord("Hi?", "Hello!", "No."));
            writer.write(new PreferenceRecord("Be kind.", "Hi?", "Hello!", "No."));
            writer.write(new ConversationRecord(List.of(ChatMessage.user("a\nb"), ChatMessage.assistant("ü"))));
            writer.write(new TextRecord("t"), Map.of("family", "X"));
            assertThat(writer.count()).isEqualTo(5);
        }

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("""
                {"instruction":"Add.","input":"","output":"4"}
                {"prompt":"Hi?","chosen":"Hello!","rejected":"No."}
                {"system":"Be kind.","prompt":"Hi?","chosen":"Hello!","rejected":"No."}
                {"messages":[{"role":"user","content":"a\\nb"},{"role":"assistant","content":"ü"}]}
                {"text":"t","family":"X"}
                """);
    }

    @Test
    void extraFieldMustNotReplaceACanonicalOne() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DatasetWriter writer = DatasetWriter.to(bytes)) {
            assertThatThrownBy(() -> writer.write(new TextRecord("t"), Map.of("text", "other")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("\"text\"");
            assertThat(writer.count()).isZero();
        }
        assertThat(bytes.size()).isZero();
    }

    @Test
    void writtenRecordsReadBackEqual() throws IOException {
        List<DataRecord> records = List.of(
                new ConversationRecord(List.of(
                        ChatMessage.system("s"),
                        ChatMessage.user("q\r\n\u2028"),
                        ChatMessage.assistant("a \"quoted\""))),
                new ConversationRecord(List.of(ChatMessage.user(""), ChatMessage.assistant("only"))));
        Path file = dir.resolve("round-trip.jsonl");
        try (DatasetWriter writer = DatasetWriter.create(file)) {
            for (DataRecord record : records) {
                writer.write(record);
            }
        }

        try (DatasetReader reader = DatasetReader.open(file, DataFormat.CONVERSATION)) {
            assertThat(reader.stream().map(ParsedRecord::record).toList()).isEqualTo(records);
        }
        for (DataRecord record : List.of(
                new InstructionRecord("i", "in", "o"),
                new TextRecord("x\ty"),
                new PreferenceRecord("sys", "p", "c", "r"))) {
            assertThat(roundTrip(record)).isEqualTo(record);
        }
    }

    private DataRecord roundTrip(DataRecord record) throws IOException {
        Path file = Files.createTempFile(dir, "one", ".jsonl");
        try (DatasetWriter writer = DatasetWriter.create(file)) {
            writer.write(record);
        }
        try (DatasetReader reader = DatasetReader.open(file, null)) {
            return reader.stream().findFirst().orElseThrow().record();
        }
    }

    @Test
    void largeFileIsStreamed() throws IOException {
        int lines = 200_000;
        Path file = dir.resolve("large.jsonl");
        try (DatasetWriter writer = DatasetWriter.create(file)) {
            for (int i = 0; i < lines; i++) {
                writer.write(new InstructionRecord("Instruction " + i, "", "Output " + i));
            }
        }

        long count = 0;
        long lastPosition = 0;
        try (DatasetReader reader = DatasetReader.open(file, DataFormat.INSTRUCTION)) {
            for (ParsedRecord parsed : reader) {
                count++;
                lastPosition = parsed.position();
            }
        }

        assertThat(count).isEqualTo(lines);
        assertThat(lastPosition).isEqualTo(lines);
    }

    @Test
    void largeJsonArrayIsStreamed() throws IOException {
        int elements = 100_000;
        Path file = dir.resolve("large.json");
        try (var out = Files.newBufferedWriter(file)) {
            out.write("[\n");
            for (int i = 0; i < elements; i++) {
                out.write((i == 0 ? "" : ",\n") + "{\"text\": \"record " + i + "\"}");
            }
            out.write("\n]\n");
        }

        ValidationReport report = DatasetReader.validate(file, DataFormat.TEXT, 10);

        assertThat(report.isValid()).isTrue();
        assertThat(report.recordCount()).isEqualTo(elements);
    }
}
