package io.tunestream.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicTest {

    @Test
    void shouldNameTopicsUnderTheDefaultPrefix() {
        assertThat(Topic.SAMPLES.topicName()).isEqualTo("tunestream.samples");
        assertThat(Topic.PROMPTS.topicName()).isEqualTo("tunestream.prompts");
        assertThat(Topic.GENERATIONS.topicName()).isEqualTo("tunestream.generations");
        assertThat(Topic.DATASET_VERSIONS.topicName()).isEqualTo("tunestream.dataset-versions");
        assertThat(Topic.TRAINED_MODELS.topicName()).isEqualTo("tunestream.trained-models");
        assertThat(Topic.MODEL_VERSIONS.topicName()).isEqualTo("tunestream.model-versions");
    }

    @Test
    void shouldNameTopicsAndDeadLetterTopicsUnderAConfiguredPrefix() {
        assertThat(Topic.SAMPLES.topicName("acme.ml")).isEqualTo("acme.ml.samples");
        assertThat(Topic.SAMPLES.deadLetterTopicName("acme.ml")).isEqualTo("acme.ml.samples.dlq");
    }

    @Test
    void shouldResolveATopicFromAnyPrefixedNameAndFromItsDeadLetterTopic() {
        assertThat(Topic.ofTopicName("acme.ml.trained-models")).isEqualTo(Topic.TRAINED_MODELS);
        assertThat(Topic.ofTopicName("tunestream.generations.dlq")).isEqualTo(Topic.GENERATIONS);
        assertThat(Topic.ofEventType("io.tunestream.model-versions")).isEqualTo(Topic.MODEL_VERSIONS);
    }

    @Test
    void shouldRejectAForeignTopicNamingTheAcceptedSuffixes() {
        assertThatThrownBy(() -> Topic.ofTopicName("orders"))
                .hasMessageContaining("'orders'")
                .hasMessageContaining(".dataset-versions");
        assertThatThrownBy(() -> Topic.SAMPLES.topicName("bad.")).hasMessageContaining("prefix");
    }
}
