package io.tunestream.dataset;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.tunestream.dataset.service.PipelineService;
import io.tunestream.dataset.service.RoundService;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.EventIds;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A dpo pipeline created while a promotion of its model is being applied gets its first round: the two transactions
 * are serialized on the model, so the pipeline either sees the committed promotion or is listed by it.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ProductionLockTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    RoundService rounds;

    @Inject
    PipelineService pipelines;

    @Inject
    EntityManager entityManager;

    @Test
    void shouldStartTheFirstRoundOfAPipelineCreatedWhileItsModelIsBeingPromoted() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String model = "m-lock-" + suffix;
        String dataset = "d-lock-" + suffix;
        given().contentType(ContentType.JSON)
                .body(Map.of("name", dataset, "kind", "sft"))
                .post("/datasets")
                .then()
                .statusCode(201);
        CountDownLatch applied = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            // The promotion is applied and its transaction stays open until the pipeline's creation has begun.
            Future<Boolean> promotion =
                    threads.submit(() -> QuarkusTransaction.requiringNew().call(() -> {
                        boolean changed = rounds.apply(promotion(model));
                        applied.countDown();
                        assertThat(release.await(WAIT.toSeconds(), TimeUnit.SECONDS))
                                .isTrue();
                        return changed;
                    }));
            assertThat(applied.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            Future<PipelineService.PipelineView> created =
                    threads.submit(() -> pipelines.create(new PipelineService.PipelineSpec(
                            "p-lock-" + suffix, dataset, model, "dpo", null, null, null, null)));

            await().atMost(WAIT).until(() -> waitingAdvisoryLocks() > 0);
            release.countDown();

            assertThat(promotion.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            PipelineService.PipelineView view = created.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(view.pipeline().currentModelVersion)
                    .as("the pipeline saw the committed promotion")
                    .isEqualTo(1);
            assertThat(view.pipeline().currentRound).isEqualTo(1);
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }

    /** Sessions waiting for an advisory lock: the pipeline's creation, blocked behind the open promotion. */
    private long waitingAdvisoryLocks() {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) entityManager
                                .createNativeQuery(
                                        "select count(*) from pg_locks where locktype = 'advisory' and not granted")
                                .getSingleResult())
                        .longValue());
    }

    private static ModelVersionEvent promotion(String model) {
        return new ModelVersionEvent(
                EventIds.next(),
                ModelVersionEvent.SCHEMA_VERSION,
                Instant.now(),
                ModelVersionAction.PROMOTED,
                model,
                1,
                ModelVersionEvent.PRODUCTION,
                null,
                null,
                new ArtifactRef("s3://tunestream/models/" + model + "/1/", List.of()),
                Map.of(),
                null);
    }
}
