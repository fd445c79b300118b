package io.tunestream.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.testing.PostgresResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A service killed while the gateway runs: its routes answer 503 naming it at once (the connection is refused; a
 * service that hangs is cut by the clients' timeouts), the other services' routes keep working, and readiness says
 * which service is down. Its own stand-ins (the {@code set} argument), since it kills one.
 */
@QuarkusTest
@WithTestResource(value = ServiceStandIns.class, initArgs = @ResourceArg(name = "set", value = "killable"))
@WithTestResource(PostgresResource.class)
@WithTestResource(AdminKeyResource.class)
class ServiceDownTest {

    @Test
    void shouldAnswer503NamingAKilledServiceWhileTheOthersWork() {
        String key = TestKeys.create(
                Map.of("name", "survivor", "scopes", List.of("read", "write", "inference"), "requestsPerSecond", 1000));
        given().auth().oauth2(key).when().get("/api/v1/datasets").then().statusCode(200);

        ServiceStandIns.kill("dataset");

        for (String path :
                List.of("/api/v1/datasets", "/api/v1/pipelines/p", "/api/v1/datasets/d/versions/1/files/train.jsonl")) {
            long started = System.nanoTime();
            given().auth()
                    .oauth2(key)
                    .when()
                    .get(path)
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .body("service", equalTo("dataset-service"))
                    .body("detail", startsWith("dataset-service is unavailable"));
            assertThat((System.nanoTime() - started) / 1_000_000)
                    .as("answered within the timeout")
                    .isLessThan(5_000);
        }
        given().auth()
                .oauth2(key)
                .contentType("application/json")
                .body("{}")
                .when()
                .post("/api/v1/datasets")
                .then()
                .statusCode(503)
                .body("service", equalTo("dataset-service"));

        given().auth().oauth2(key).when().get("/api/v1/models").then().statusCode(200);
        given().auth().oauth2(key).when().get("/api/v1/jobs/j1").then().statusCode(200);
        given().auth().oauth2(key).when().get("/v1/models").then().statusCode(200);

        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'Tunestream services' }.data.dataset", not(startsWith("HTTP 200")))
                .body(
                        "checks.find { it.name == 'Tunestream services' }.data.dataset",
                        containsString("from http://127.0.0.1:"))
                .body("checks.find { it.name == 'Tunestream services' }.data.registry", startsWith("HTTP 200"))
                .body("checks.find { it.name == 'Tunestream services' }.data.training", startsWith("HTTP 200"))
                .body("checks.find { it.name == 'Tunestream services' }.data.generation", startsWith("HTTP 200"));
    }
}
