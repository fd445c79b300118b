package io.tunestream.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventJsonTest {

    static Stream<TunestreamEvent> examples() {
        return ExampleEvents.all().stream();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void shouldRoundTripEveryEventThroughJson(TunestreamEvent event) {
        String json = EventJson.toJson(event);

        TunestreamEvent read = EventJson.fromJson(json, event.topic().eventClass());

        assertThat(read).isEqualTo(event);
        assertThat(EventJson.toJson(read)).isEqualTo(json);
    }

    @ParameterizedTest
    @MethodSource("examples")
    void shouldIgnoreFieldsAddedByANewerProducer(TunestreamEvent event) throws Exception {
        ObjectNode tree = (ObjectNode) EventJson.mapper().readTree(EventJson.toBytes(event));
        tree.put("addedInSchemaVersion2", "a value this consumer does not know");
        tree.putObject("nestedAddition").put("weight", 3);

        TunestreamEvent read = EventJson.fromBytes(
                EventJson.mapper().writeValueAsBytes(tree), event.topic().eventClass());

        assertThat(read).isEqualTo(event);
    }

    @Test
    void shouldIgnoreUnknownFieldsInsideNestedRecords() throws Exception {
        ObjectNode tree = (ObjectNode) EventJson.mapper().readTree(EventJson.toBytes(ExampleEvents.datasetVersion()));
        ((ObjectNode) tree.get("train")).put("storageClass", "STANDARD");
        ((ObjectNode) tree.get("lineage")).put("experiment", "e-17");

        DatasetVersionEvent read =
                EventJson.fromBytes(EventJson.mapper().writeValueAsBytes(tree), DatasetVersionEvent.class);

        assertThat(read).isEqualTo(ExampleEvents.datasetVersion());
    }

    @Test
    void shouldWriteEnumsAndTimesInTheirDocumentedForm() {
        String json = EventJson.toJson(ExampleEvents.modelVersionPromoted());

        assertThat(json).contains("\"action\":\"promoted\"").contains("\"occurredAt\":\"2026-11-23T12:00:00Z\"");
        assertThat(EventJson.toJson(ExampleEvents.datasetVersion())).contains("\"recipe\":\"dpo\"");
        assertThat(EventJson.toJson(ExampleEvents.generation()))
                .contains("\"finishReason\":\"stop\"")
                .doesNotContain("\"error\"");
    }

    @Test
    void shouldCarryTheGateDecisionOnAModelVersionEventAndReadOldEventsWithoutIt() {
        ModelVersionEvent rejected = ExampleEvents.modelVersionRejected();
        String json = EventJson.toJson(rejected);

        assertThat(json)
                .contains("\"pValue\":0.14453125")
                .contains("\"failedChecks\":[\"significance\"]")
                .doesNotContain("\"evalMetric\"");
        assertThat(EventJson.fromJson(json, ModelVersionEvent.class)).isEqualTo(rejected);
        // An event written before the field existed reads with no gate.
        String old = EventJson.toJson(ExampleEvents.modelVersionPromoted());
        assertThat(old).doesNotContain("\"gate\"");
        assertThat(EventJson.fromJson(old, ModelVersionEvent.class).gate()).isNull();
    }

    @Test
    void shouldNameTheFieldOfAnInvalidEvent() {
        String json = EventJson.toJson(ExampleEvents.prompt()).replace(ExampleEvents.PROMPT_HASH, "not-a-hash");

        assertThatThrownBy(() -> EventJson.fromJson(json, PromptEvent.class))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("PromptEvent.promptHash")
                .hasMessageContaining("not-a-hash");
    }

    @Test
    void shouldNameAMissingRequiredField() throws Exception {
        ObjectNode tree = (ObjectNode) EventJson.mapper().readTree(EventJson.toBytes(ExampleEvents.sample()));
        tree.remove("dataset");

        assertThatThrownBy(() -> EventJson.fromBytes(EventJson.mapper().writeValueAsBytes(tree), SampleEvent.class))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("SampleEvent.dataset is required");
    }

    @Test
    void shouldRejectAnErrorWithoutTheErrorFinishReason() {
        assertThatThrownBy(() -> new GenerationEvent(
                        "id",
                        1,
                        ExampleEvents.TIME,
                        ExampleEvents.PROMPT_HASH,
                        "d",
                        "p",
                        "s",
                        1,
                        "m",
                        1,
                        ExampleEvents.sampling(),
                        "",
                        FinishReason.STOP,
                        1,
                        0,
                        1,
                        "boom"))
                .hasMessageContaining("GenerationEvent.error");
    }

    @Test
    void shouldRejectAnArtifactFileOutsideItsPrefix() {
        assertThatThrownBy(() -> new ArtifactRef(
                        "s3://tunestream/models/m/1/",
                        List.of(new ObjectRef("s3://tunestream/models/m/2/config.json", ExampleEvents.SHA_CONFIG, 1))))
                .hasMessageContaining("is not under");
    }
}
