package io.tunestream.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    @Test
    void shouldDeriveEveryTopicAndDeadLetterTopicFromOnePrefix() {
        for (Topic topic : Topic.values()) {
            assertThat(topic.topicName("acme")).isEqualTo("acme." + topic.suffix());
            assertThat(topic.deadLetterTopicName("acme")).isEqualTo("acme." + topic.suffix() + ".dlq");
            assertThat(Topic.ofTopicName(topic.deadLetterTopicName("acme"))).isEqualTo(topic);
        }
        assertThat(Topic.PREFIX_KEY).isEqualTo("tunestream.topic-prefix");
    }

    @Test
    void shouldNameOneChannelPerTopicAfterItsSuffix() throws IllegalAccessException {
        List<String> channels = new ArrayList<>();
        for (Field field : Channels.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                channels.add((String) field.get(null));
            }
        }

        assertThat(channels)
                .containsExactlyInAnyOrderElementsOf(
                        Arrays.stream(Topic.values()).map(Topic::suffix).toList());
    }
}
