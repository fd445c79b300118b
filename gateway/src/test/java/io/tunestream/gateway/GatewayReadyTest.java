package io.tunestream.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.testing.PostgresResource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(ServiceStandIns.class)
@WithTestResource(PostgresResource.class)
class GatewayReadyTest {

    @Test
    void shouldBeReadyWhenEveryServiceBehindItIs() {
        // The first probes of a cold JVM on a loaded machine can exceed the 2 s per-service wait; readiness is polled.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().when()
                        .get("/q/health/ready")
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("UP"))
                        .body("checks.find { it.name == 'Tunestream services' }.data.dataset", startsWith("HTTP 200"))
                        .body(
                                "checks.find { it.name == 'Tunestream services' }.data.generation",
                                startsWith("HTTP 200"))
                        .body("checks.find { it.name == 'Tunestream services' }.data.training", startsWith("HTTP 200"))
                        .body(
                                "checks.find { it.name == 'Tunestream services' }.data.registry",
                                startsWith("HTTP 200")));
    }
}
