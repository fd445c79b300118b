package io.tunestream.dataset;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tunestream.events.SampleEvent;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class IngestionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Seed 000's fields: Alpaca records, one with an empty input and one without. */
    private static final List<String> ALPACA = List.of(
            "{\"instruction\": \"Add the numbers.\", \"input\": \"17 + 25\", \"output\": \"42\"}",
            "{\"instruction\": \"Name the capital of France.\", \"input\": \"\", \"output\": \"Paris\"}",
            "{\"instruction\": \"Reverse the word.\", \"output\": \"olleh\", \"input\": \"hello\"}",
            "{\"instruction\": \"Say hi.\", \"output\": \"hi\"}");

    /** Seed 002's records: conversations as arrays of {"human", "assistant"} turns. */
    private static final List<String> CONVERSATIONS = List.of(
            "[{\"human\": \"What is 2 + 2?\", \"assistant\": \"4\"}]",
            "[{\"human\": \"Hi\", \"assistant\": \"Hello!\"}, {\"human\": \"How are you?\", \"assistant\": \"Fine.\"}]",
            "[{\"system\": \"Be brief.\", \"human\": \"Capital of Italy?\", \"assistant\": \"Rome\"}]");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    ObjectStore store;

    private KafkaTopics kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaTopics(bootstrapServers);
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void shouldIngestSeed000AlpacaRecordsUnchangedAndKeepTheRawUpload() throws Exception {
        String dataset = createDataset("sft");
        String body = String.join("\n", ALPACA) + "\n";

        upload(dataset, body)
                .then()
                .statusCode(201)
                .body("records", equalTo(4))
                .body("added", equalTo(4))
                .body("duplicates", equalTo(0))
                .body("format", equalTo("instruction"))
                .body("objectKey", containsString("datasets/" + dataset + "/uploads/"));

        assertThat(storedRecords(dataset)).containsExactlyElementsOf(parse(ALPACA));
        List<String> keys = objectKeys("datasets/" + dataset + "/uploads/");
        assertThat(keys).hasSize(1);
        assertThat(keys.get(0)).endsWith(".jsonl");
        try (var in = store.open(keys.get(0))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .as("the raw upload, byte for byte")
                    .isEqualTo(body);
        }
    }

    @Test
    void shouldIngestSeed002ConversationsUnchangedFromJsonlAndFromAJsonArray() throws Exception {
        String dataset = createDataset("sft");

        upload(dataset, String.join("\n", CONVERSATIONS))
                .then()
                .statusCode(201)
                .body("added", equalTo(3))
                .body("format", equalTo("conversation"));
        assertThat(storedRecords(dataset)).containsExactlyElementsOf(parse(CONVERSATIONS));

        String other = createDataset("sft");
        String array = "[\n  " + String.join(",\n  ", CONVERSATIONS) + "\n]\n";
        upload(other, array).then().statusCode(201).body("added", equalTo(3));
        assertThat(storedRecords(other)).containsExactlyElementsOf(parse(CONVERSATIONS));
        given().get("/datasets/" + other + "/statistics")
                .then()
                .statusCode(200)
                .body("samples", equalTo(3))
                .body("samplesByFormat.conversation", equalTo(3))
                .body("dpoPromptSamples", equalTo(2));
    }

    @Test
    void shouldRejectTheWholeUploadNamingEveryBadLineAndFieldWhenOneLineInTheMiddleIsBad() {
        String dataset = createDataset("sft");
        List<String> lines = new ArrayList<>(ALPACA);
        lines.add(2, "{\"instruction\": \"Multiply.\", \"input\": \"6 * 7\", \"output\": 42}");
        lines.add(4, "{\"instruction\": \"Subtract.\", \"input\": \"9 - 4\"}");

        upload(dataset, String.join("\n", lines))
                .then()
                .statusCode(400)
                .body("records", equalTo(6))
                .body("invalid", equalTo(2))
                .body("errors", hasSize(2))
                .body("errors[0].line", equalTo(3))
                .body("errors[0].field", equalTo("output"))
                .body("errors[0].problem", containsString("expected a string"))
                .body("errors[1].line", equalTo(5))
                .body("errors[1].field", equalTo("output"))
                .body("errors[1].problem", containsString("missing"));

        given().get("/datasets/" + dataset + "/samples").then().statusCode(200).body("total", equalTo(0));
        assertThat(objectKeys("datasets/" + dataset + "/"))
                .as("nothing of a rejected upload is stored")
                .isEmpty();

        String array =
                "[\n" + ALPACA.get(0) + ",\n{\"instruction\": \"\", \"output\": \"x\"},\n" + ALPACA.get(1) + "\n]";
        upload(dataset, array)
                .then()
                .statusCode(400)
                .body("errors", hasSize(1))
                .body("errors[0].index", equalTo(1))
                .body("errors[0].field", equalTo("instruction"));
        given().get("/datasets/" + dataset + "/samples").then().statusCode(200).body("total", equalTo(0));
    }

    @Test
    void shouldRejectRecordsOfAnotherKindAndUnknownDatasets() {
        String dataset = createDataset("pretrain");
        upload(dataset, ALPACA.get(0))
                .then()
                .statusCode(400)
                .body("errors[0].line", equalTo(1))
                .body("errors[0].field", equalTo("text"));
        upload("no-such-dataset-" + UUID.randomUUID(), ALPACA.get(0)).then().statusCode(404);
        upload(dataset, "\n\n").then().statusCode(400).body("detail", containsString("no records"));
    }

    @Test
    void shouldAddNothingWhenTheSameDataIsUploadedAgain() {
        String dataset = createDataset("sft");
        upload(dataset, String.join("\n", ALPACA)).then().statusCode(201).body("added", equalTo(4));

        // Same content, other key order and spacing: the content hash is over the canonical record.
        List<String> reordered = List.of(
                "{\"output\": \"42\", \"instruction\": \"Add the numbers.\", \"input\": \"17 + 25\"}",
                "{\"instruction\":\"Say hi.\",\"output\":\"hi\"}",
                "{\"instruction\": \"Count to three.\", \"output\": \"1 2 3\"}",
                "{\"instruction\": \"Count to three.\", \"output\": \"1 2 3\"}");
        upload(dataset, String.join("\n", ALPACA))
                .then()
                .statusCode(201)
                .body("added", equalTo(0))
                .body("duplicates", equalTo(4));
        upload(dataset, String.join("\n", reordered))
                .then()
                .statusCode(201)
                .body("records", equalTo(4))
                .body("added", equalTo(1))
                .body("duplicates", equalTo(3));

        given().get("/datasets/" + dataset + "/samples?size=2&page=2")
                .then()
                .statusCode(200)
                .body("total", equalTo(5))
                .body("items", hasSize(1));
        given().get("/datasets/" + dataset + "/statistics")
                .then()
                .statusCode(200)
                .body("samples", equalTo(5))
                .body("uploads", equalTo(3));
    }

    @Test
    void shouldStoreValidSampleEventsAndSendInvalidOnesToTheDeadLetterTopicWithTheReason() {
        String dataset = createDataset("sft");
        JsonNode valid = parse(List.of(ALPACA.get(0))).get(0);
        JsonNode conversation = parse(List.of(CONVERSATIONS.get(0))).get(0);
        JsonNode missingOutput = parse(List.of("{\"instruction\": \"Multiply.\", \"input\": \"6 * 7\"}"))
                .get(0);
        SampleEvent invalid = SampleEvent.of(dataset, "crm-2", missingOutput);
        SampleEvent unknownDataset = SampleEvent.of("no-such-" + dataset, "crm-3", valid);
        String poisonKey = "poison-" + dataset;

        kafka.publish(List.of(SampleEvent.of(dataset, "crm-1", valid), invalid, unknownDataset), "/test/crm");
        kafka.publishRaw("tunestream.samples", poisonKey, "not an event".getBytes(StandardCharsets.UTF_8));
        kafka.publish(
                List.of(SampleEvent.of(dataset, "crm-4", conversation), SampleEvent.of(dataset, "crm-5", valid)),
                "/test/crm");

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(storedRecords(dataset)).containsExactly(valid, conversation));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<ConsumerRecord<String, byte[]>> dead = kafka.readAll("tunestream.samples.dlq");
            ConsumerRecord<String, byte[]> invalidDead = dead.stream()
                    .filter(record -> record.value() != null
                            && new String(record.value(), StandardCharsets.UTF_8).contains(invalid.eventId()))
                    .findFirst()
                    .orElseThrow();
            assertThat(header(invalidDead, "dead-letter-reason"))
                    .contains("output")
                    .contains("missing");
            assertThat(dead.stream().filter(record -> poisonKey.equals(record.key())))
                    .hasSize(1);
            assertThat(dead.stream()
                            .filter(record -> record.value() != null
                                    && new String(record.value(), StandardCharsets.UTF_8)
                                            .contains(unknownDataset.eventId())))
                    .hasSize(1);
        });
    }

    @Test
    void shouldStoreSamplesSentAsCloudEventsInStructuredAndBinaryMode() {
        String dataset = createDataset("sft");
        JsonNode structured = parse(List.of(ALPACA.get(0))).get(0);
        JsonNode binary = parse(List.of(CONVERSATIONS.get(0))).get(0);
        String envelope = """
                {"specversion": "1.0", "id": "%s", "source": "/crm", "type": "com.acme.sample",
                 "subject": "datasets/%s", "datacontenttype": "application/json", "data": %s}
                """.formatted(UUID.randomUUID(), dataset, structured);
        kafka.publishRaw(
                "tunestream.samples",
                dataset,
                envelope.getBytes(StandardCharsets.UTF_8),
                Map.of("content-type", "application/cloudevents+json; charset=UTF-8"));
        kafka.publishRaw(
                "tunestream.samples",
                dataset,
                binary.toString().getBytes(StandardCharsets.UTF_8),
                Map.of(
                        "ce_specversion", "1.0",
                        "ce_id", UUID.randomUUID().toString(),
                        "ce_source", "/crm",
                        "ce_type", "com.acme.sample",
                        "ce_dataset", dataset,
                        "content-type", "application/json"));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(storedRecords(dataset)).containsExactly(structured, binary));
    }

    static String createDataset(String kind) {
        String name = "ds-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType("application/json")
                .body("{\"name\": \"" + name + "\", \"kind\": \"" + kind + "\"}")
                .post("/datasets")
                .then()
                .statusCode(201)
                .body("name", equalTo(name))
                .body("kind", equalTo(kind));
        return name;
    }

    static Response upload(String dataset, String body) {
        return given().contentType("application/x-ndjson")
                .body(body.getBytes(StandardCharsets.UTF_8))
                .post("/datasets/" + dataset + "/uploads");
    }

    static List<JsonNode> storedRecords(String dataset) {
        List<JsonNode> records = new ArrayList<>();
        for (int page = 0; ; page++) {
            JsonNode response = readJson(given().get("/datasets/" + dataset + "/samples?size=500&page=" + page)
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString());
            response.get("items").forEach(item -> records.add(item.get("record")));
            if (response.get("items").size() < 500) {
                return records;
            }
        }
    }

    private List<String> objectKeys(String prefix) {
        return store.list(prefix);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static List<JsonNode> parse(List<String> lines) {
        return lines.stream().map(IngestionTest::readJson).toList();
    }

    static JsonNode readJson(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
