package io.tunestream.generation.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.generation.KafkaTestClient;
import io.tunestream.generation.ModelFixture;
import io.tunestream.llm.generation.GenerationRequest;
import io.tunestream.llm.generation.GenerationResult;
import io.tunestream.llm.generation.SamplingParams;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** A swap never pulls a model from under work that holds it; the retired model closes when that work is done. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
class HotSwapTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    ObjectStore store;

    @Inject
    ModelCatalog production;

    private static GenerationRequest request(ServedModel model) {
        return new GenerationRequest(model.encode("Instruct: 2 + 2\nOutput:", true), SamplingParams.greedy(4));
    }

    @Test
    void shouldKeepARetiredModelServingItsHoldersAndCloseItAfterTheLastRelease() throws Exception {
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers)) {
            int old = ModelFixture.promoteAndAwaitLoaded(kafka, store, production);
            ServedModel held = production
                    .acquire(ModelFixture.MODEL, production.servingVersion(ModelFixture.MODEL))
                    .orElseThrow();
            assertThat(held.version()).isEqualTo(old);

            int next = ModelFixture.promoteAndAwaitLoaded(kafka, store, production);

            assertThat(production.acquire(ModelFixture.MODEL, old))
                    .as("new work cannot take the retired version")
                    .isEmpty();
            ServedModel current = production
                    .acquire(ModelFixture.MODEL, production.servingVersion(ModelFixture.MODEL))
                    .orElseThrow();
            assertThat(current.version()).isEqualTo(next);
            current.release();
            GenerationResult onOld = held.scheduler().submit(request(held)).get(60, TimeUnit.SECONDS);
            assertThat(onOld.completions()).hasSize(1);

            GenerationRequest afterRelease = request(held);
            held.release();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThatThrownBy(() -> held.scheduler().submit(afterRelease))
                                    .isInstanceOf(IllegalStateException.class)
                                    .hasMessageContaining("closed"));
        }
    }
}
