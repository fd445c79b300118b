package io.tunestream.generation.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.SaslKafkaBrokerResource;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The service on a secured bus: SASL_PLAINTEXT with SCRAM-SHA-512 and ACLs, configured only through the standard
 * {@code kafka.*} client settings (what KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM and KAFKA_SASL_JAAS_CONFIG set).
 */
@QuarkusTest
@WithTestResource(
        value = SaslKafkaBrokerResource.class,
        initArgs = @ResourceArg(name = "groups", value = "generation-service"))
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
class SaslBusTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void withItsCredentialsTheServiceIsReadyAndJoinsItsConsumerGroup() throws Exception {
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));

        // Looked up here, not injected: a test class's injection points are checked when any test of the module
        // starts the application, and only this class's broker resource provides the key.
        String adminPassword =
                ConfigProvider.getConfig().getValue(SaslKafkaBrokerResource.ADMIN_PASSWORD_KEY, String.class);
        try (Admin admin = Admin.create(SaslKafkaBrokerResource.adminClient(bootstrapServers, adminPassword))) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("generation-service"))
                        .all()
                        .get()
                        .get("generation-service");
                assertThat(group.members()).isNotEmpty();
            });
        }
    }
}
