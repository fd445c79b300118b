package io.tunestream.dataset.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import io.tunestream.testing.SaslKafkaBrokerResource;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The dataset-service given a wrong PLAIN password: not ready, saying why, and none of its groups consumes. */
@QuarkusTest
@WithTestResource(
        value = SaslKafkaBrokerResource.class,
        initArgs = {
            @ResourceArg(name = "groups", value = "dataset-service."),
            @ResourceArg(name = "mechanism", value = "PLAIN"),
            @ResourceArg(name = "wrong-password", value = "true")
        })
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SaslWrongCredentialsTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void withAWrongPasswordReadinessIsDownNamingTheCauseAndNothingIsConsumed() throws Exception {
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().get("/q/health/ready")
                        .then()
                        .statusCode(503)
                        .body(containsString("Authentication failed")));

        // Looked up here, not injected: a test class's injection points are checked when any test of the module
        // starts the application, and only this class's broker resource provides the key.
        String adminPassword =
                ConfigProvider.getConfig().getValue(SaslKafkaBrokerResource.ADMIN_PASSWORD_KEY, String.class);
        try (Admin admin = Admin.create(SaslKafkaBrokerResource.adminClient(bootstrapServers, adminPassword))) {
            var groups = admin.listConsumerGroups().all().get();
            assertThat(groups).noneMatch(group -> group.groupId().startsWith("dataset-service."));
        }
    }
}
