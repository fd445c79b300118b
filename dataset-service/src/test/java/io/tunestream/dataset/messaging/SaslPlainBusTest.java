package io.tunestream.dataset.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import io.tunestream.testing.SaslKafkaBrokerResource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The dataset-service on a secured bus with SASL PLAIN (SASL_PLAINTEXT, ACLs on), configured only through the standard
 * {@code kafka.*} client settings (what KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM and KAFKA_SASL_JAAS_CONFIG set):
 * ready, and a member of each of its consumer groups.
 */
@QuarkusTest
@WithTestResource(
        value = SaslKafkaBrokerResource.class,
        initArgs = {
            @ResourceArg(name = "groups", value = "dataset-service."),
            @ResourceArg(name = "mechanism", value = "PLAIN")
        })
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SaslPlainBusTest {

    private static final List<String> GROUPS =
            List.of("dataset-service.samples", "dataset-service.generations", "dataset-service.model-versions");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void withItsPlainCredentialsTheServiceIsReadyAndJoinsItsConsumerGroups() throws Exception {
        assertThat(ConfigProvider.getConfig().getValue("kafka.sasl.mechanism", String.class))
                .isEqualTo("PLAIN");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));

        // Looked up here, not injected: a test class's injection points are checked when any test of the module
        // starts the application, and only this class's broker resource provides the key.
        String adminPassword =
                ConfigProvider.getConfig().getValue(SaslKafkaBrokerResource.ADMIN_PASSWORD_KEY, String.class);
        try (Admin admin = Admin.create(SaslKafkaBrokerResource.adminClient(bootstrapServers, adminPassword))) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<String, ConsumerGroupDescription> groups =
                        admin.describeConsumerGroups(GROUPS).all().get();
                assertThat(groups.values())
                        .allSatisfy(group ->
                                assertThat(group.members()).as(group.groupId()).isNotEmpty());
            });
        }
    }
}
