package io.tunestream.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.testing.PostgresResource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(
        value = ServiceStandIns.class,
        initArgs = {
            @ResourceArg(name = "unready", value = "generation"),
            @ResourceArg(name = "unreachable", value = "registry")
        })
@WithTestResource(PostgresResource.class)
class GatewaySurfaceTest {

    @Test
    void shouldNotBeReadyWhileAServiceBehindItIsNotReadyOrNotReachableAndSayWhich() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("status", equalTo("DOWN"))
                .body(
                        "checks.find { it.name == 'Tunestream services' }.data.dataset",
                        startsWith("HTTP 200 from http://127.0.0.1:"))
                .body("checks.find { it.name == 'Tunestream services' }.data.training", startsWith("HTTP 200"))
                .body(
                        "checks.find { it.name == 'Tunestream services' }.data.registry",
                        allOf(not(startsWith("HTTP")), containsString("from http://127.0.0.1:")))
                .body("checks.find { it.name == 'Tunestream services' }.data.generation", startsWith("HTTP 503"));
    }

    @Test
    void shouldStayLiveWhateverTheServicesBehindIt() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void shouldExposePrometheusMetricsAndOpenApi() {
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
        given().queryParam("format", "json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("info.title", equalTo("Tunestream gateway"));
    }
}
