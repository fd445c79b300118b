package io.tunestream.registry;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test of the running registry over the real broker, object store and database: each test gets a client on the bus
 * and a reader of {@code tunestream.model-versions} from its start, closed after it. Subclasses carry
 * {@code @QuarkusTest} themselves: Quarkus makes only classes annotated with it directly into test beans.
 */
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
public abstract class RegistryBusTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    protected ObjectStore store;

    protected KafkaTestClient kafka;
    protected ConsumerTask<String, byte[]> modelVersions;

    @BeforeEach
    void connect() {
        kafka = new KafkaTestClient(bootstrapServers);
        modelVersions = kafka.readFromStart(KafkaTestClient.MODEL_VERSIONS);
    }

    @AfterEach
    void disconnect() {
        modelVersions.stop();
        kafka.close();
    }
}
