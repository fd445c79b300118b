package io.tunestream.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.tunestream.testing.PostgresResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(ServiceStandIns.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AdminKeyResource.class)
class RateLimitTest {

    @Test
    void shouldAnswer429WithRetryAfterOnceAKeyExceedsItsRequestRate() {
        String key = TestKeys.create(Map.of("name", "slow", "scopes", List.of("read"), "requestsPerSecond", 0.2));
        given().auth().oauth2(key).when().get("/api/v1/datasets").then().statusCode(200);
        given().auth()
                .oauth2(key)
                .when()
                .get("/api/v1/datasets")
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", equalTo("5"))
                .body("detail", containsString("request rate"));
    }

    @Test
    void shouldAnswer429OnceAKeyHasSpentItsGeneratedTokensForTheMinute() {
        String key = TestKeys.create(Map.of("name", "thrifty", "scopes", List.of("inference"), "tokensPerMinute", 3));
        String request = "{\"model\": \"" + ServiceStandIns.MODEL
                + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
        given().auth()
                .oauth2(key)
                .contentType(ContentType.JSON)
                .body(request)
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .body("usage.completion_tokens", equalTo(ServiceStandIns.TOKENS.size()));
        given().auth()
                .oauth2(key)
                .contentType(ContentType.JSON)
                .body(request)
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(429)
                .header("Retry-After", equalTo("40"))
                .body("error.type", equalTo("rate_limit_error"))
                .body("error.code", equalTo("rate_limit_exceeded"));
    }

    @Test
    void shouldCountStreamedTokensAgainstTheBudgetToo() {
        String key = TestKeys.create(Map.of("name", "streamer", "scopes", List.of("inference"), "tokensPerMinute", 2));
        String request = "{\"model\": \"" + ServiceStandIns.MODEL + "\", \"stream\": true, \"prompt\": \"2+2=\"}";
        given().auth()
                .oauth2(key)
                .contentType(ContentType.JSON)
                .body(request)
                .when()
                .post("/v1/completions")
                .then()
                .statusCode(200)
                .body(containsString("data: [DONE]"));
        given().auth()
                .oauth2(key)
                .contentType(ContentType.JSON)
                .body(request)
                .when()
                .post("/v1/completions")
                .then()
                .statusCode(429);
    }

    @Test
    void shouldCountRequestsPerKeyAndRouteOnTheMetricsEndpoint() {
        String key = TestKeys.create(Map.of("name", "metered", "scopes", List.of("read")));
        given().auth()
                .oauth2(key)
                .when()
                .get("/api/v1/pipelines/arith-dpo")
                .then()
                .statusCode(200);
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("tunestream_gateway_requests_total{key=\"metered#"))
                .body(containsString("route=\"/api/v1/pipelines/{name}\",status=\"200\""));
    }
}
