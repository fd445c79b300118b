package io.tunestream.training;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ObjectStoreReadinessTest {

    @Inject
    ObjectStore store;

    @Test
    void shouldReportNotReadyWhileThePlatformBucketIsMissing() throws Exception {
        store.removeBucket();
        try {
            given().when()
                    .get("/q/health/ready")
                    .then()
                    .statusCode(503)
                    .body("status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'Object store' }.status", equalTo("DOWN"))
                    .body(
                            "checks.find { it.name == 'Object store' }.data.error",
                            equalTo("bucket 'tunestream' does not exist"));
        } finally {
            store.createBucketIfMissing();
        }

        given().when().get("/q/health/ready").then().statusCode(200).body("checks.name", hasItem("Object store"));
    }
}
