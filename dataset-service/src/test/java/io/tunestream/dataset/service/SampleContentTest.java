package io.tunestream.dataset.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunestream.dataset.DatasetKind;
import io.tunestream.llm.prompt.ChatMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleContentTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldKeepTheRecordAsReceivedAndHashItsCanonicalForm() throws Exception {
        SampleContent one = RecordFile.parseOne(
                JSON.readTree("{\"output\":\"42\",\"instruction\":\"Add.\",\"input\":\"1+41\"}"),
                "test",
                DatasetKind.SFT);
        SampleContent other = RecordFile.parseOne(
                JSON.readTree("{\"instruction\": \"Add.\", \"input\": \"1+41\", \"output\": \"42\"}"),
                "test",
                DatasetKind.SFT);
        assertThat(one.record()).isEqualTo("{\"output\":\"42\",\"instruction\":\"Add.\",\"input\":\"1+41\"}");
        assertThat(one.contentHash()).isEqualTo(other.contentHash());
        assertThat(one.promptMessages()).containsExactly(ChatMessage.user("Add.\n\n1+41"));
        assertThat(one.referenceAnswer()).isEqualTo("42");
    }

    @Test
    void shouldPromptSingleTurnConversationsWithTheirSystemMessageButNotMultiTurnOnes() throws Exception {
        SampleContent single = RecordFile.parseOne(
                JSON.readTree(
                        "[{\"system\": \"Be brief.\", \"human\": \"Capital of Italy?\", \"assistant\": \"Rome\"}]"),
                "test",
                DatasetKind.SFT);
        assertThat(single.promptMessages())
                .containsExactly(ChatMessage.system("Be brief."), ChatMessage.user("Capital of Italy?"));
        assertThat(single.referenceAnswer()).isEqualTo("Rome");
        SampleContent multi = RecordFile.parseOne(
                JSON.readTree(
                        "[{\"human\": \"Hi\", \"assistant\": \"Hello\"}, {\"human\": \"Bye\", \"assistant\": \"Bye!\"}]"),
                "test",
                DatasetKind.SFT);
        assertThat(multi.isDpoPrompt()).isFalse();
        assertThat(SampleContent.messagesFromJson(SampleContent.messagesJson(single.promptMessages())))
                .isEqualTo(single.promptMessages());
    }

    @Test
    void shouldNameTheFieldOfAnInvalidRecordAndRefuseAnotherKind() throws Exception {
        assertThatThrownBy(() ->
                        RecordFile.parseOne(JSON.readTree("{\"instruction\": \"Add.\"}"), "event 1", DatasetKind.SFT))
                .isInstanceOf(InvalidSampleException.class)
                .hasMessageContaining("output")
                .hasMessageContaining("missing");
        assertThatThrownBy(
                        () -> RecordFile.parseOne(JSON.readTree("[{\"human\": \"Hi\"}]"), "event 2", DatasetKind.SFT))
                .isInstanceOf(InvalidSampleException.class)
                .hasMessageContaining("assistant");
        assertThatThrownBy(
                        () -> RecordFile.parseOne(JSON.readTree("{\"text\": \"plain\"}"), "event 3", DatasetKind.SFT))
                .isInstanceOf(InvalidSampleException.class)
                .hasMessageContaining("text records");
        assertThat(List.of(
                        RecordFile.parseOne(JSON.readTree("{\"text\": \"plain\"}"), "event 4", DatasetKind.PRETRAIN)))
                .allSatisfy(sample -> assertThat(sample.isDpoPrompt()).isFalse());
    }
}
