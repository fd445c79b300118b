package io.tunestream.dataset;

import static io.restassured.RestAssured.given;
import static io.tunestream.dataset.DpoFixture.generation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.dataset.DpoFixture.SampleInfo;
import io.tunestream.events.GenerationEvent;
import io.tunestream.events.PromptEvent;
import io.tunestream.events.SamplingParameters;
import io.tunestream.infra.PostgresAdmin;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Generations consumed while the service's database is unreachable are assembled once it is back: none is
 * dead-lettered (before, each failed like a poison record, went to {@code generations.dlq} with its offset committed,
 * and its prompt never got a pair or a drop; the chaos run found it). The outage is this test's own database cut off
 * ({@code ALLOW_CONNECTIONS false} and its connections terminated), not the shared server stopped.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DatabaseOutageTest {

    /** The outage: long enough for the consumer to take the generations and fail on them. */
    private static final Duration OUTAGE = Duration.ofSeconds(6);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    private final PostgresAdmin postgres = PostgresAdmin.local();
    private KafkaTopics kafka;
    private DpoFixture fixture;

    @BeforeEach
    void connect() {
        kafka = new KafkaTopics(bootstrapServers);
        fixture = new DpoFixture(kafka);
    }

    @AfterEach
    void disconnect() {
        allowConnections(true);
        kafka.close();
    }

    @Test
    void generationsConsumedDuringADatabaseOutageAreAssembledWhenItIsBackNotDeadLettered() throws Exception {
        String model = DpoFixture.newModel();
        String dataset = DpoFixture.datasetOf(4, 0);
        Map<String, SampleInfo> samples = DpoFixture.samples(dataset);
        String pipeline = dataset + "-dpo";
        given().contentType("application/json")
                .body(Map.of(
                        "name", pipeline,
                        "dataset", dataset,
                        "model", model,
                        "recipe", "dpo",
                        "sampling", SamplingParameters.greedy(16)))
                .post("/pipelines")
                .then()
                .statusCode(201);
        fixture.promote(model, 1);
        List<PromptEvent> prompts = fixture.awaitPrompts(pipeline, 1, 4);
        List<GenerationEvent> generations = prompts.stream()
                .map(prompt -> generation(
                        prompt, "not " + samples.get(prompt.sampleId()).output()))
                .toList();

        allowConnections(false);
        try {
            kafka.publish(generations, DpoFixture.GENERATION_SERVICE);
            Thread.sleep(OUTAGE.toMillis());
        } finally {
            allowConnections(true);
        }

        await().atMost(DpoFixture.WAIT)
                .untilAsserted(
                        () -> assertThat(DpoFixture.outcomeTotal(pipeline)).isEqualTo(4));
        assertThat(DpoFixture.outcome(pipeline, "pairs")).isEqualTo(4);
        List<String> deadLettered = kafka.readAll("tunestream.generations.dlq").stream()
                .map(ConsumerRecord::key)
                .filter(key ->
                        prompts.stream().anyMatch(prompt -> prompt.promptHash().equals(key)))
                .toList();
        assertThat(deadLettered).as("generations dead-lettered for an outage").isEmpty();

        // The periodic check outlived the outage (it once ended for good when listing the pipelines failed): a time
        // window still seals.
        String pretrain = IngestionTest.createDataset("pretrain");
        IngestionTest.upload(pretrain, "{\"text\": \"after the outage\"}")
                .then()
                .statusCode(201);
        given().contentType("application/json")
                .body(Map.of(
                        "name",
                        pretrain + "-pt",
                        "dataset",
                        pretrain,
                        "model",
                        model,
                        "recipe",
                        "pretrain",
                        "trigger",
                        Map.of("window", "PT1S")))
                .post("/pipelines")
                .then()
                .statusCode(201);
        await().atMost(DpoFixture.WAIT)
                .untilAsserted(() -> given().get("/datasets/" + pretrain + "/versions")
                        .then()
                        .statusCode(200)
                        .body("", hasSize(1)));
    }

    /** Cuts the test's database off (refusing new connections, terminating open ones), or lets it be reached again. */
    private void allowConnections(boolean allowed) {
        String database = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1).split("\\?")[0];
        String sql = "alter database " + database + " allow_connections " + allowed + ";\n";
        if (!allowed) {
            sql += "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = :'database';\n";
        }
        postgres.psql(sql, Map.of("database", database));
    }
}
