package io.tunestream.deploy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** values.schema.json: a wrong value is refused before anything renders, with the place and what is accepted. */
class ValuesSchemaTest {

    @Test
    void aMissingBootstrapServerIsRefused() {
        assertThatThrownBy(() -> HelmChart.template(command -> command.set("global.kafka.bootstrapServers", "null")))
                .hasMessageContainingAll(
                        "values don't meet the specifications of the schema", "/global/kafka", "bootstrapServers");
    }

    @Test
    void aPortThatIsNoNumberIsRefused() {
        assertThatThrownBy(() -> HelmChart.template(command -> command.set("global.objectStore.port", "minio")))
                .hasMessageContainingAll("/global/objectStore/port", "integer");
    }

    @Test
    void anUnknownSecurityProtocolIsRefusedNamingTheAcceptedOnes() {
        assertThatThrownBy(
                        () -> HelmChart.template(command -> command.set("global.kafka.securityProtocol", "SASL_SCRAM")))
                .hasMessageContainingAll("/global/kafka/securityProtocol", "PLAINTEXT", "SASL_SSL");
    }

    @Test
    void aSaslProtocolWithoutItsSecretIsRefused() {
        assertThatThrownBy(() ->
                        HelmChart.template(command -> command.set("global.kafka.securityProtocol", "SASL_PLAINTEXT")))
                .hasMessageContainingAll("/global/kafka/sasl", "existingSecret");
    }

    @Test
    void anSslProtocolWithoutItsTruststoreSecretIsRefused() {
        assertThatThrownBy(() -> HelmChart.template(command -> command.set("global.kafka.securityProtocol", "SSL")))
                .hasMessageContainingAll("/global/kafka/tls", "existingSecret");
    }

    @Test
    void aMisspeltSettingIsRefusedNotIgnored() {
        assertThatThrownBy(
                        () -> HelmChart.template(command -> command.set("global.kafka.bootstrapServer", "kafka:9092")))
                .hasMessageContainingAll("/global/kafka", "bootstrapServer");
    }

    @Test
    void anUnknownScalingModeIsRefusedNamingTheModes() {
        assertThatThrownBy(() -> HelmChart.template(command -> command.set("generation-service.scaling.mode", "keda")))
                .hasMessageContainingAll("/generation-service/scaling/mode", "kafka-lag", "queued-jobs", "replicas");
    }

    @Test
    void anInvalidDatabaseSslModeIsRefused() {
        assertThatThrownBy(() -> HelmChart.template(command -> command.set("training-service.database.sslmode", "on")))
                .hasMessageContainingAll("/training-service/database/sslmode", "verify-full");
    }

    @Test
    void aSecretNameThatKubernetesWouldRejectIsRefused() {
        assertThatThrownBy(() ->
                        HelmChart.template(command -> command.set("global.objectStore.existingSecret", "My Secret")))
                .hasMessageContainingAll("/global/objectStore/existingSecret");
    }
}
