package io.tunestream.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every Tunestream service's operational surface must offer, run against the real service in a
 * {@code @QuarkusTest} subclass: readiness with one check per real dependency, liveness, Prometheus metrics and an
 * OpenAPI document.
 */
public abstract class ServiceSurfaceContract {

    /** The names of the readiness checks the service must report, one per dependency it uses. */
    protected abstract List<String> expectedReadinessChecks();

    /** The service's name, as in its OpenAPI title {@code Tunestream <name>}. */
    protected abstract String serviceName();

    @Test
    void shouldBeReadyWithACheckForEachRealDependency() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(
                        "checks.name",
                        containsInAnyOrder(expectedReadinessChecks().toArray()))
                .body("checks.status", everyItem(equalTo("UP")));
    }

    @Test
    void shouldBeLive() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void shouldExposePrometheusMetrics() {
        given().accept("text/plain")
                .when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"))
                .body(containsString("# TYPE process_uptime_seconds gauge"));
    }

    @Test
    void shouldPublishAnOpenApiDocument() {
        given().queryParam("format", "json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("openapi", containsString("3."))
                .body("info.title", equalTo("Tunestream " + serviceName()));
    }
}
