package io.tunestream.events;

import java.util.Arrays;
import java.util.Objects;

/**
 * Every Kafka topic of the platform, with the event it carries.
 *
 * <p>Topic names are {@code <prefix>.<suffix>}; the prefix defaults to {@value #DEFAULT_PREFIX} and is configurable so
 * that several installations can share one cluster. Every topic has a dead-letter topic {@code <topic>.dlq}. Every
 * service reads the prefix from the one key {@value #PREFIX_KEY}, both for the topics of its channels and for the
 * records it builds, so that a changed prefix moves the whole bus. The suffix is also the topic's channel name
 * ({@link Channels}).
 */
public enum Topic {
    SAMPLES(Channels.SAMPLES, SampleEvent.class),
    PROMPTS(Channels.PROMPTS, PromptEvent.class),
    GENERATIONS(Channels.GENERATIONS, GenerationEvent.class),
    DATASET_VERSIONS(Channels.DATASET_VERSIONS, DatasetVersionEvent.class),
    TRAINED_MODELS(Channels.TRAINED_MODELS, TrainedModelEvent.class),
    MODEL_VERSIONS(Channels.MODEL_VERSIONS, ModelVersionEvent.class);

    /** The configuration key of the topic prefix, the same in every service (environment: TUNESTREAM_TOPIC_PREFIX). */
    public static final String PREFIX_KEY = "tunestream.topic-prefix";

    public static final String DEFAULT_PREFIX = "tunestream";
    public static final String DEAD_LETTER_SUFFIX = ".dlq";

    private final String suffix;
    private final Class<? extends TunestreamEvent> eventClass;

    Topic(String suffix, Class<? extends TunestreamEvent> eventClass) {
        this.suffix = suffix;
        this.eventClass = eventClass;
    }

    /** The topic name under the default prefix, e.g. {@code tunestream.samples}. */
    public String topicName() {
        return topicName(DEFAULT_PREFIX);
    }

    /** The topic name under {@code prefix}, e.g. {@code acme.tunestream.samples} for prefix {@code acme.tunestream}. */
    public String topicName(String prefix) {
        if (prefix == null || prefix.isBlank() || prefix.endsWith(".")) {
            throw new IllegalArgumentException(
                    "topic prefix must be non-blank and must not end with '.', got '" + prefix + "'");
        }
        return prefix + "." + suffix;
    }

    /** The dead-letter topic of this topic under {@code prefix}. */
    public String deadLetterTopicName(String prefix) {
        return topicName(prefix) + DEAD_LETTER_SUFFIX;
    }

    /** The CloudEvents {@code type} attribute of this topic's events, e.g. {@code io.tunestream.samples}. */
    public String eventType() {
        return "io.tunestream." + suffix;
    }

    public Class<? extends TunestreamEvent> eventClass() {
        return eventClass;
    }

    public String suffix() {
        return suffix;
    }

    /**
     * The topic a topic name belongs to, whatever its prefix; a dead-letter topic resolves to the topic it serves.
     *
     * @throws IllegalArgumentException naming the topic and the accepted suffixes when it is none of the platform's
     */
    public static Topic ofTopicName(String topicName) {
        Objects.requireNonNull(topicName, "topicName");
        String name = topicName.endsWith(DEAD_LETTER_SUFFIX)
                ? topicName.substring(0, topicName.length() - DEAD_LETTER_SUFFIX.length())
                : topicName;
        for (Topic topic : values()) {
            if (name.endsWith("." + topic.suffix)) {
                return topic;
            }
        }
        throw new IllegalArgumentException(
                "topic '" + topicName + "' is not a Tunestream topic; expected a name ending in one of "
                        + Arrays.stream(values()).map(t -> "." + t.suffix).toList());
    }

    /** The topic whose events have this CloudEvents type. */
    public static Topic ofEventType(String eventType) {
        for (Topic topic : values()) {
            if (topic.eventType().equals(eventType)) {
                return topic;
            }
        }
        throw new IllegalArgumentException("unknown CloudEvents type '" + eventType + "'; expected one of "
                + Arrays.stream(values()).map(Topic::eventType).toList());
    }
}
