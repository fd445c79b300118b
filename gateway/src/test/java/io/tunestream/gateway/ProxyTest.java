package io.tunestream.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.tunestream.testing.PostgresResource;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What passes through the gateway, and how: bodies, errors, locations, streams, parameters, credentials. */
@QuarkusTest
@WithTestResource(ServiceStandIns.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AdminKeyResource.class)
class ProxyTest {

    private String key;

    @BeforeEach
    void createKey() {
        key = TestKeys.create(
                Map.of("name", "proxy", "scopes", List.of("read", "write", "admin"), "requestsPerSecond", 1000));
    }

    @Test
    void shouldRelayABodyAndRewriteTheLocationToTheGatewaysRoute() {
        String body = "{\"name\": \"arith\", \"kind\": \"sft\", \"future\": 1}";
        given().auth()
                .oauth2(key)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/datasets")
                .then()
                .statusCode(201)
                .header("Location", equalTo("http://localhost:" + port() + "/api/v1/datasets/created"))
                .body("service", equalTo("dataset"))
                .body("path", equalTo("/datasets"))
                .body("bodyBytes", equalTo(body.length()));
    }

    @Test
    void shouldSendTheInternalTokenAndNeverTheClientsKeyToAService() {
        given().auth()
                .oauth2(key)
                .when()
                .get("/api/v1/models/qa/versions/2")
                .then()
                .statusCode(200)
                .body("path", equalTo("/models/qa/versions/2"))
                .body("authorization", nullValue())
                .body("internalToken", equalTo(AdminKeyResource.internalToken()));
        given().auth()
                .oauth2(key)
                .contentType("application/x-ndjson")
                .body("{}\n".getBytes(StandardCharsets.UTF_8))
                .when()
                .post("/api/v1/datasets/arith/uploads")
                .then()
                .statusCode(200)
                .body("authorization", nullValue())
                .body("internalToken", equalTo(AdminKeyResource.internalToken()));
    }

    @Test
    void shouldPassAServicesProblemThroughUnchanged() {
        given().auth()
                .oauth2(key)
                .when()
                .get("/api/v1/datasets/missing")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("no such thing at /datasets/missing"))
                .body("instance", equalTo("/datasets/missing"))
                .body("serviceField", equalTo("kept"));
    }

    @Test
    void shouldTurnAnOlderErrorShapeIntoAProblemKeepingItsMessage() {
        given().auth()
                .oauth2(key)
                .when()
                .post("/api/v1/jobs/legacy-error/cancel")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("title", equalTo("Conflict"))
                .body("detail", equalTo("legacy conflict at /jobs/legacy-error/cancel"))
                .body("service", equalTo("training-service"))
                .body("instance", equalTo("/api/v1/jobs/legacy-error/cancel"));
    }

    @Test
    void shouldRefuseAQueryParameterTheRouteDoesNotTake() {
        given().auth()
                .oauth2(key)
                .queryParam("page", 2)
                .queryParam("sort", "name")
                .when()
                .get("/api/v1/datasets/arith/samples")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        equalTo(
                                "unknown query parameter 'sort' on GET /api/v1/datasets/{name}/samples; accepted: page, size"));
        given().auth()
                .oauth2(key)
                .queryParam("page", 2)
                .queryParam("size", 10)
                .when()
                .get("/api/v1/datasets/arith/samples")
                .then()
                .statusCode(200)
                .body("query", equalTo("page=2&size=10"));
    }

    @Test
    void shouldStreamAnUploadThroughWithItsFileName() throws Exception {
        byte[] upload =
                "{\"instruction\":\"2+2\",\"output\":\"4\"}\n".repeat(50_000).getBytes(StandardCharsets.UTF_8);
        given().auth()
                .oauth2(key)
                .contentType("application/x-ndjson")
                .header("X-File-Name", "sft.jsonl")
                .body(upload)
                .when()
                .post("/api/v1/datasets/arith/uploads")
                .then()
                .statusCode(200)
                .body("path", equalTo("/datasets/arith/uploads"))
                .body("contentType", startsWith("application/x-ndjson"))
                .body("fileName", equalTo("sft.jsonl"))
                .body("bodyBytes", equalTo(upload.length))
                .body(
                        "bodySha256",
                        equalTo(HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256").digest(upload))));
    }

    @Test
    void shouldStreamAModelImportsMultipartBodyThrough() {
        given().auth()
                .oauth2(key)
                .multiPart("file", "config.json", "{\"architectures\":[]}".getBytes(), "application/json")
                .when()
                .post("/api/v1/models/qa/import")
                .then()
                .statusCode(200)
                .body("path", equalTo("/models/qa/import"))
                .body("contentType", containsString("multipart/form-data; boundary="));
    }

    @Test
    void shouldStreamADownloadWithItsChecksum() throws Exception {
        io.restassured.response.Response response = given().auth()
                .oauth2(key)
                .when()
                .get("/api/v1/models/qa/versions/1/files/sub/model.safetensors")
                .andReturn();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.header("X-Checksum-SHA256")).isEqualTo(ServiceStandIns.fileSha256());
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long bytes = 0;
        try (InputStream body = response.asInputStream()) {
            byte[] buffer = new byte[8192];
            int read;
            while ((read = body.read(buffer)) >= 0) {
                digest.update(buffer, 0, read);
                bytes += read;
            }
        }
        assertThat(bytes).isEqualTo(ServiceStandIns.FILE_BYTES);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(ServiceStandIns.fileSha256());
        assertThat(ServiceStandIns.RECEIVED).contains("registry GET /models/qa/versions/1/files/sub/model.safetensors");
    }

    @Test
    void shouldPassJobProgressThroughAsServerSentEvents() {
        given().auth()
                .oauth2(key)
                .when()
                .get("/api/v1/jobs/job-7/progress")
                .then()
                .statusCode(200)
                .contentType(containsString("text/event-stream"))
                .body(
                        equalTo(
                                "data:{\"state\":\"QUEUED\"}\n\ndata:{\"state\":\"RUNNING\"}\n\ndata:{\"state\":\"SUCCEEDED\"}\n\n"));
    }

    @Test
    void shouldSendPromoteWithoutABodyAsTheDefaults() {
        given().auth()
                .oauth2(key)
                .when()
                .post("/api/v1/models/qa/versions/3/promote")
                .then()
                .statusCode(200)
                .body("path", equalTo("/models/qa/versions/3/promote"))
                .body("contentType", equalTo("application/json"))
                .body("bodyBytes", equalTo(2));
    }

    private static int port() {
        return io.restassured.RestAssured.port;
    }
}
