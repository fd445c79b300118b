package io.tunestream.training;

import io.tunestream.testing.EventBusClient;

/** What the other services do on the broker: the dataset- and registry-services publish, the registry reads. */
public final class KafkaTestClient extends EventBusClient {

    public static final String DATASET_VERSIONS = "tunestream.dataset-versions";
    public static final String DATASET_VERSIONS_DLQ = "tunestream.dataset-versions.dlq";
    public static final String TRAINED_MODELS = "tunestream.trained-models";

    public KafkaTestClient(String bootstrapServers) {
        super(bootstrapServers);
    }
}
