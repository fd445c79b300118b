package io.tunestream.registry;

import static org.awaitility.Awaitility.await;

import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.tunestream.events.EventJson;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.testing.EventBusClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** What the other services do on the broker: the training-service publishes, the consumers of model-versions read. */
public final class KafkaTestClient extends EventBusClient {

    public static final String TRAINED_MODELS = "tunestream.trained-models";
    public static final String TRAINED_MODELS_DLQ = "tunestream.trained-models.dlq";
    public static final String MODEL_VERSIONS = "tunestream.model-versions";
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    public KafkaTestClient(String bootstrapServers) {
        super(bootstrapServers);
    }

    /** The model-versions events of {@code model} among the task's records, in topic order. */
    public static List<ModelVersionEvent> modelVersionEvents(ConsumerTask<String, byte[]> task, String model) {
        return task.getRecords().stream()
                .filter(record -> model.equals(record.key()))
                .map(ConsumerRecord::value)
                .map(value -> EventJson.fromBytes(value, ModelVersionEvent.class))
                .toList();
    }

    /** Waits until the model's events on the task satisfy {@code condition}, and returns them. */
    public static List<ModelVersionEvent> awaitModelVersionEvents(
            ConsumerTask<String, byte[]> task, String model, Predicate<List<ModelVersionEvent>> condition) {
        await().atMost(TIMEOUT).until(() -> condition.test(modelVersionEvents(task, model)));
        return modelVersionEvents(task, model);
    }

    /** The version numbers announced as registered, in topic order. */
    public static List<Integer> registeredVersions(List<ModelVersionEvent> events) {
        return events.stream()
                .filter(event -> event.action() == ModelVersionAction.REGISTERED)
                .map(ModelVersionEvent::version)
                .toList();
    }

    /** Whether an event announces {@code action} for {@code version}. */
    public static boolean has(List<ModelVersionEvent> events, ModelVersionAction action, int version) {
        return events.stream().anyMatch(event -> event.action() == action && event.version() == version);
    }

    /** Waits for the first record with {@code key} on the task (a dead-letter topic's, say), and returns it. */
    public static ConsumerRecord<String, byte[]> awaitRecord(ConsumerTask<String, byte[]> task, String key) {
        await().atMost(TIMEOUT).until(() -> task.getRecords().stream().anyMatch(record -> key.equals(record.key())));
        return task.getRecords().stream()
                .filter(record -> key.equals(record.key()))
                .findFirst()
                .orElseThrow();
    }

    /** The reason the dead-letter-queue strategy wrote into a dead-lettered record's header. */
    public static String deadLetterReason(ConsumerRecord<String, byte[]> deadLetter) {
        Header reason = deadLetter.headers().lastHeader("dead-letter-reason");
        if (reason == null) {
            throw new AssertionError("the record of " + deadLetter.key() + " has no dead-letter-reason header");
        }
        return new String(reason.value(), StandardCharsets.UTF_8);
    }
}
