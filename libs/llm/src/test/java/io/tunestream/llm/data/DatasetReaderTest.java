package io.tunestream.llm.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tunestream.llm.prompt.ChatMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetReaderTest {

    private static List<ParsedRecord> read(String content, DataFormat expected) throws IOException {
        try (DatasetReader reader = open(content, expected)) {
            return reader.stream().toList();
        }
    }

    private static DatasetReader open(String content, DataFormat expected) throws IOException {
        return DatasetReader.open(bytes(content), "train.jsonl", expected);
    }

    private static InputStream bytes(String content) {
        return new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8));
    }

    private static List<DataRecord> records(String content) throws IOException {
        return read(content, null).stream().map(ParsedRecord::record).toList();
    }

    private static DataFormatException error(String content, DataFormat expected) throws IOException {
        try (DatasetReader reader = open(content, expected)) {
            Throwable thrown = catchThrowable(() -> reader.stream().toList());
            assertThat(thrown).isInstanceOf(DataFormatException.class);
            return (DataFormatException) thrown;
        }
    }

    @Test
    void readsSeedStyleMultiTurnConversationsAsJsonl() throws IOException {
        Path file = Path.of("src/test/resources/data/seed-conversations.jsonl");
        try (DatasetReader reader = DatasetReader.open(file, null)) {
            List<ParsedRecord> parsed = reader.stream().toList();

            assertThat(reader.layout()).isEqualTo(DatasetReader.Layout.JSONL);
            assertThat(reader.format()).isEqualTo(DataFormat.CONVERSATION);
            assertThat(parsed).extracting(ParsedRecord::position).containsExactly(1L, 2L);
            assertThat(parsed.get(0).record())
                    .isEqualTo(new ConversationRecord(List.of(
                            ChatMessage.user("What is 2+2?"), ChatMessage.assistant("4"),
                            ChatMessage.user("And 3+3?"), ChatMessage.assistant("6"))));
            assertThat(parsed.get(1).record())
                    .isEqualTo(new ConversationRecord(List.of(
                            ChatMessage.system("Answer with a number."),
                            ChatMessage.user("What is 5+1?"),
                            ChatMessage.assistant("6"))));
        }
    }

    @Test
    void readsPrettyPrintedJsonArrayWithIndexes() throws IOException {
        try (DatasetReader reader = DatasetReader.open(Path.of("src/test/resources/data/alpaca.json"), null)) {
            List<ParsedRecord> parsed = reader.stream().toList();

            assertThat(reader.layout()).isEqualTo(DatasetReader.Layout.JSON_ARRAY);
            assertThat(parsed).extracting(ParsedRecord::position).containsExactly(0L, 1L);
            assertThat(parsed).extracting(ParsedRecord::positionKind).containsOnly(PositionKind.INDEX);
            assertThat(parsed)
                    .extracting(ParsedRecord::record)
                    .containsExactly(
                            new InstructionRecord("Give the capital of France.", "", "Paris"),
                            new InstructionRecord("Translate to German.", "good morning", "guten Morgen"));
        }
    }

    @Test
    void readsEveryFormatFromSeedStyleLines() throws IOException {
        assertThat(records("{\"instruction\": \"Add.\", \"input\": \"\", \"output\": \"4\"}\n"))
                .containsExactly(new InstructionRecord("Add.", "", "4"));
        assertThat(records("{\"prompt\": \"Hi?\", \"chosen\": \"Hello!\", \"rejected\": \"Go away.\"}\n"))
                .containsExactly(new PreferenceRecord("Hi?", "Hello!", "Go away."));
        assertThat(
                        records(
                                "{\"system\": \"Be kind.\", \"prompt\": \"Hi?\", \"chosen\": \"Hello!\", \"rejected\": \"No.\"}"))
                .containsExactly(new PreferenceRecord("Be kind.", "Hi?", "Hello!", "No."));
        assertThat(records("{\"text\": \"Once upon a time.\"}")).containsExactly(new TextRecord("Once upon a time."));
    }

    @Test
    void readsEveryConversationShape() throws IOException {
        List<ChatMessage> expected = List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Hello"));
        ConversationRecord conversation = new ConversationRecord(expected);

        assertThat(records("{\"human\": \"Hi\", \"assistant\": \"Hello\"}")).containsExactly(conversation);
        assertThat(records("{\"conversations\": [{\"human\": \"Hi\", \"assistant\": \"Hello\"}]}"))
                .containsExactly(conversation);
        assertThat(records("{\"conversation\": [{\"human\": \"Hi\", \"assistant\": \"Hello\"}]}"))
                .containsExactly(conversation);
        assertThat(records("{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"},"
                        + " {\"role\": \"assistant\", \"content\": \"Hello\"}]}"))
                .containsExactly(conversation);
        assertThat(
                        records(
                                "{\"messages\": [{\"role\": \"system\", \"content\": \"S\"},"
                                        + " {\"role\": \"human\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello\"}]}"))
                .containsExactly(new ConversationRecord(
                        List.of(ChatMessage.system("S"), ChatMessage.user("Hi"), ChatMessage.assistant("Hello"))));
    }

    @Test
    void instructionMessagesJoinInstructionAndInput() {
        assertThat(new InstructionRecord("Translate.", "bonjour", "hello").messages())
                .containsExactly(ChatMessage.user("Translate.\n\nbonjour"), ChatMessage.assistant("hello"));
        assertThat(InstructionRecord.of("Say hi.", "hi").messages())
                .containsExactly(ChatMessage.user("Say hi."), ChatMessage.assistant("hi"));
    }

    @Test
    void toleratesExtraFieldsNullInputAndBlankLines() throws IOException {
        List<ParsedRecord> parsed = read(
                "\n{\"instruction\": \"A\", \"input\": null, \"output\": \"B\", \"family\": \"X\"}"
                        + "\n\n  \n{\"instruction\": \"C\", \"output\": \"D\"}\n",
                DataFormat.INSTRUCTION);

        assertThat(parsed).extracting(ParsedRecord::position).containsExactly(2L, 5L);
        assertThat(parsed)
                .extracting(ParsedRecord::record)
                .containsExactly(new InstructionRecord("A", "", "B"), new InstructionRecord("C", "", "D"));
    }

    @Test
    void layoutDetectionTellsJsonlFromJsonArray() throws IOException {
        String turns = "[{\"human\": \"a\", \"assistant\": \"b\"}, {\"human\": \"c\", \"assistant\": \"d\"}]";
        String compactArray = "[{\"text\": \"one\"}, {\"text\": \"two\"}]";
        try (DatasetReader oneLineConversation = open(turns, null);
                DatasetReader oneLineArray = open(compactArray + "\n\n", null);
                DatasetReader arrayAfterBlankLines = open("\n\n[\n{\"text\": \"one\"}]", null);
                DatasetReader jsonl = open(turns + "\n" + turns + "\n", null);
                DatasetReader bomJsonl = open("\uFEFF{\"text\": \"x\"}", null)) {
            assertThat(oneLineConversation.layout()).isEqualTo(DatasetReader.Layout.JSONL);
            assertThat(oneLineConversation.stream().toList()).hasSize(1);
            assertThat(oneLineArray.layout()).isEqualTo(DatasetReader.Layout.JSON_ARRAY);
            assertThat(oneLineArray.stream().map(ParsedRecord::record).toList())
                    .containsExactly(new TextRecord("one"), new TextRecord("two"));
            assertThat(arrayAfterBlankLines.layout()).isEqualTo(DatasetReader.Layout.JSON_ARRAY);
            assertThat(arrayAfterBlankLines.stream().toList()).hasSize(1);
            assertThat(jsonl.layout()).isEqualTo(DatasetReader.Layout.JSONL);
            assertThat(jsonl.stream().map(ParsedRecord::position).toList()).containsExactly(1L, 2L);
            assertThat(bomJsonl.stream().map(ParsedRecord::record).toList()).containsExactly(new TextRecord("x"));
        }
    }

    @Test
    void errorNamesLineAndFieldAndWhatIsAccepted() throws IOException {
        String content =
                "{\"instruction\": \"a\", \"output\": \"b\"}\n".repeat(6) + "{\"instruction\": \"a\", \"output\": 4}\n";

        DataFormatException error = error(content, null);

        assertThat(error.getMessage())
                .isEqualTo("train.jsonl line 7: field \"output\": expected a string, found a number");
        assertThat(error.source()).isEqualTo("train.jsonl");
        assertThat(error.position()).isEqualTo(7);
        assertThat(error.positionKind()).isEqualTo(PositionKind.LINE);
        assertThat(error.field()).isEqualTo("output");
    }

    @Test
    void missingFieldInJsonArrayNamesIndexLineAndRequiredFields() throws IOException {
        String content = "[\n" + "{\"prompt\": \"p\", \"chosen\": \"c\", \"rejected\": \"r\"},\n".repeat(3)
                + "{\"prompt\": \"p\", \"rejected\": \"r\"}\n]";

        DataFormatException error = error(content, DataFormat.PREFERENCE);

        assertThat(error.getMessage())
                .isEqualTo("train.jsonl index 3 (line 5): field \"chosen\": missing"
                        + " (a preference record needs prompt, chosen and rejected; system is optional)");
        assertThat(error.positionKind()).isEqualTo(PositionKind.INDEX);
        assertThat(error.position()).isEqualTo(3);
    }

    @Test
    void recordOfAnotherFormatIsNamedAsSuch() throws IOException {
        DataFormatException error = error("{\"text\": \"x\"}", DataFormat.INSTRUCTION);

        assertThat(error.field()).isEqualTo("instruction");
        assertThat(error.problem()).contains("looks like a text record", "records are instruction");
    }

    @Test
    void nestedErrorsNameThePath() throws IOException {
        assertThat(error(
                                "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"gpt\", \"content\": \"b\"}]}",
                                null)
                        .getMessage())
                .isEqualTo("train.jsonl line 1: field \"messages[1].role\": \"gpt\" is not a role;"
                        + " accepted: system, user, assistant, human");
        assertThat(error("[{\"human\": \"a\", \"assistant\": \"b\"}, {\"human\": \"c\"}]\n{\"text\": \"x\"}", null)
                        .field())
                .isEqualTo("[1].assistant");
        assertThat(error(
                                "[{\"human\": \"a\", \"assistant\": \"b\"}, {\"system\": \"s\", \"human\": \"c\", \"assistant\": \"d\"}]",
                                null)
                        .problem())
                .isEqualTo("a system message is only allowed in the first turn");
        assertThat(error("{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}", null)
                        .problem())
                .isEqualTo("a conversation needs at least one assistant message");
        assertThat(error("{\"text\": \"  \"}", null).problem()).isEqualTo("must not be empty");
        assertThat(error("{\"foo\": 1, \"bar\": 2}", null).problem())
                .startsWith("cannot tell the record's format from an object with keys [foo, bar]; expected");
        assertThat(error("42", DataFormat.TEXT).problem()).isEqualTo("expected an object, found a number");
    }

    @Test
    void malformedJsonNamesTheLine() throws IOException {
        DataFormatException inJsonl = error("{\"text\": \"a\"}\n{\"text\": \"b\",}\n", null);
        assertThat(inJsonl.getMessage())
                .startsWith("train.jsonl line 2 (column ")
                .contains("malformed JSON");
        assertThat(inJsonl.positionKind()).isEqualTo(PositionKind.LINE);

        DataFormatException inArray = error("[\n{\"text\": \"a\"},\n{\"text\": \"b\" \"c\"}\n]", null);
        assertThat(inArray.positionKind()).isEqualTo(PositionKind.LINE);
        assertThat(inArray.position()).isEqualTo(3);
        assertThat(inArray.problem()).startsWith("malformed JSON: ");

        DataFormatException twoValues = error("{\"text\": \"a\"} {\"text\": \"b\"}", null);
        assertThat(twoValues.getMessage())
                .isEqualTo(
                        "train.jsonl line 1 (column 15): a second JSON value on the line; JSONL holds one record per line");
        assertThat(error("[\n{\"text\": \"a\"}\n", null).problem())
                .contains("end-of-input")
                .doesNotContain("REDACTED");
    }

    @Test
    void iterationGoesOnAfterABadRecord() throws IOException {
        try (DatasetReader reader = open("{\"text\": 1}\n{\"text\": \"ok\"}", null)) {
            var it = reader.iterator();
            assertThatThrownBy(it::next).isInstanceOf(DataFormatException.class);
            assertThat(it.next().record()).isEqualTo(new TextRecord("ok"));
            assertThat(it.hasNext()).isFalse();
            assertThatThrownBy(reader::iterator).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void validateCollectsErrorsUpToTheLimitAndCountsAll() throws IOException {
        String content = String.join(
                "\n",
                "{\"instruction\": \"a\", \"output\": \"b\"}",
                "{\"instruction\": \"a\"}",
                "not json",
                "{\"instruction\": \"a\", \"output\": \"b\"}",
                "{\"instruction\": [], \"output\": \"b\"}",
                "{\"instruction\": \"a\", \"output\": \"\"}");

        ValidationReport report = DatasetReader.validate(bytes(content), "upload.jsonl", null, 3);

        assertThat(report.isValid()).isFalse();
        assertThat(report.complete()).isTrue();
        assertThat(report.format()).isEqualTo(DataFormat.INSTRUCTION);
        assertThat(report.recordCount()).isEqualTo(6);
        assertThat(report.invalidCount()).isEqualTo(4);
        assertThat(report.validCount()).isEqualTo(2);
        assertThat(report.errors()).extracting(DataFormatException::position).containsExactly(2L, 3L, 5L);
        assertThat(report.errors())
                .extracting(DataFormatException::field)
                .containsExactly("output", null, "instruction");
    }

    @Test
    void validateReportsAnUnreadableArrayAsIncomplete() throws IOException {
        String content = "[\n{\"text\": \"a\"},\n{\"text\": 5},\n{\"text\": \n";

        ValidationReport report = DatasetReader.validate(bytes(content), "data.json", DataFormat.TEXT, 10);

        assertThat(report.complete()).isFalse();
        assertThat(report.isValid()).isFalse();
        assertThat(report.errors())
                .extracting(DataFormatException::positionKind)
                .containsExactly(PositionKind.INDEX, PositionKind.LINE);
        assertThat(report.recordCount()).isEqualTo(3);
    }

    @Test
    void validFileGivesValidReport() throws IOException {
        ValidationReport report = DatasetReader.validate(Path.of("src/test/resources/data/alpaca.json"), null, 5);

        assertThat(report.isValid()).isTrue();
        assertThat(report.recordCount()).isEqualTo(2);
        assertThat(report.errors()).isEmpty();
        assertThatThrownBy(() -> DatasetReader.validate(bytes(""), "x", null, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxErrors");
    }

    @Test
    void bytesThatAreNotUtf8AreReportedWithTheirLine() throws IOException {
        byte[] latin1 =
                "{\"text\": \"a\"}\n{\"text\": \"\u00e9\"}\n{\"text\": \"b\"}\n".getBytes(StandardCharsets.ISO_8859_1);

        ValidationReport jsonl = DatasetReader.validate(new ByteArrayInputStream(latin1), "latin1.jsonl", null, 5);

        assertThat(jsonl.complete()).isTrue();
        assertThat(jsonl.validCount()).isEqualTo(2);
        assertThat(jsonl.errors()).singleElement().satisfies(error -> {
            assertThat(error.position()).isEqualTo(2);
            assertThat(error.problem()).startsWith("not valid UTF-8");
        });

        byte[] latin1Array = "[\n{\"text\": \"a\"},\n{\"text\": \"\u00e9\"}\n]".getBytes(StandardCharsets.ISO_8859_1);
        ValidationReport array = DatasetReader.validate(new ByteArrayInputStream(latin1Array), "latin1.json", null, 5);

        assertThat(array.complete()).isFalse();
        assertThat(array.errors()).singleElement().satisfies(error -> {
            assertThat(error.positionKind()).isEqualTo(PositionKind.LINE);
            assertThat(error.position()).isEqualTo(3);
            assertThat(error.problem()).startsWith("not valid UTF-8");
        });
    }

    @Test
    void windowsLineEndingsAndByteOrderMarkAreAccepted() throws IOException {
        List<ParsedRecord> parsed = read("\uFEFF{\"text\": \"a\"}\r\n\r\n{\"text\": \"b\"}\r\n", null);

        assertThat(parsed).extracting(ParsedRecord::position).containsExactly(1L, 3L);
        assertThat(parsed).extracting(ParsedRecord::record).containsExactly(new TextRecord("a"), new TextRecord("b"));
    }

    @Test
    void emptyInputHasNoRecords() throws IOException {
        assertThat(read("", null)).isEmpty();
        assertThat(read("[]", null)).isEmpty();
        assertThat(read("\n \n", null)).isEmpty();
    }

    @Test
    void ioErrorsWhileIteratingAreUncheckedAndNameTheSource() throws IOException {
        byte[] firstLine = "{\"text\": \"a\"}\n".getBytes(StandardCharsets.UTF_8);
        InputStream failsAfterFirstLine = new InputStream() {
            private boolean served;

            @Override
            public int read() throws IOException {
                throw new IOException("disk on fire");
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (served) {
                    throw new IOException("disk on fire");
                }
                served = true;
                System.arraycopy(firstLine, 0, buffer, offset, firstLine.length);
                return firstLine.length;
            }
        };
        try (DatasetReader reader = DatasetReader.open(failsAfterFirstLine, "x.jsonl", null)) {
            var it = reader.iterator();
            assertThat(it.next().record()).isEqualTo(new TextRecord("a"));
            assertThatThrownBy(it::hasNext)
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessage("x.jsonl: disk on fire");
        }
    }
}
