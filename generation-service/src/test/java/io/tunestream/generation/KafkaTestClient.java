package io.tunestream.generation;

import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.tunestream.events.EventJson;
import io.tunestream.events.GenerationEvent;
import io.tunestream.testing.EventBusClient;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What the other services do on the broker: publish events as CloudEvents, and read what this service published. */
public final class KafkaTestClient extends EventBusClient {

    public static final String PROMPTS = "tunestream.prompts";
    public static final String GENERATIONS = "tunestream.generations";
    public static final String PROMPTS_DLQ = "tunestream.prompts.dlq";

    public KafkaTestClient(String bootstrapServers) {
        super(bootstrapServers);
    }

    /** The generation events among the task's records whose prompt hash is one of {@code promptHashes}. */
    public static List<GenerationEvent> generationsFor(ConsumerTask<String, byte[]> task, Set<String> promptHashes) {
        return task.getRecords().stream()
                .filter(record -> promptHashes.contains(record.key()))
                .map(ConsumerRecord::value)
                .map(value -> EventJson.fromBytes(value, GenerationEvent.class))
                .toList();
    }
}
