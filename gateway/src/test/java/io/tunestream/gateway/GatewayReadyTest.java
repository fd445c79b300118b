package io.tunestream.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(ServiceStandIns.class)
class GatewayReadyTest {

    @Test
    void shouldBeReadyWhenEveryServiceBehindItIs() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks[0].name", equalTo("Tunestream services"))
                .body("checks[0].data.dataset", startsWith("HTTP 200"))
                .body("checks[0].data.generation", startsWith("HTTP 200"))
                .body("checks[0].data.training", startsWith("HTTP 200"))
                .body("checks[0].data.registry", startsWith("HTTP 200"));
    }
}
