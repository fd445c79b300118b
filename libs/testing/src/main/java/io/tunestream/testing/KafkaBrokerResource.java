package io.tunestream.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.util.Map;

/**
 * A real Apache Kafka broker (KRaft, broker and controller in one node) in the test JVM, on random ports. Declare it
 * with {@code @WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)} so that a test
 * suite starts one broker, not one per test class.
 *
 * <p>Provides {@code kafka.bootstrap.servers} and quiets the broker's own logging.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedKafkaBroker broker;

    @Override
    public Map<String, String> start() {
        broker = new EmbeddedKafkaBroker()
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(properties -> {
                    // One broker: internal topics cannot be replicated, and consumers must not wait for a rebalance
                    // delay.
                    properties.setProperty("offsets.topic.replication.factor", "1");
                    properties.setProperty("transaction.state.log.replication.factor", "1");
                    properties.setProperty("transaction.state.log.min.isr", "1");
                    properties.setProperty("group.initial.rebalance.delay.ms", "0");
                })
                .start();
        return Map.of(
                "kafka.bootstrap.servers", bootstrapServers(broker),
                "quarkus.log.category.\"kafka\".level", "WARN",
                "quarkus.log.category.\"org.apache.kafka\".level", "WARN",
                "quarkus.log.category.\"state.change.logger\".level", "WARN");
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** {@code host:port} pairs, without the listener name the broker advertises them with. */
    static String bootstrapServers(EmbeddedKafkaBroker broker) {
        return broker.getAdvertisedListeners().replaceAll("[A-Z_]+://", "");
    }
}
