package io.tunestream.deploy;

import static io.tunestream.deploy.DefaultValuesTest.metadata;
import static io.tunestream.deploy.DefaultValuesTest.secretTargets;
import static io.tunestream.deploy.DefaultValuesTest.singleTrigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** helm template with helm/examples/production-values.yaml: a SASL_SSL bus, TLS to PostgreSQL, Strimzi, Prometheus. */
class ProductionValuesTest {

    static final HelmChart.Rendered RENDERED = HelmChart.production();

    static final List<String> KAFKA_SERVICES =
            List.of("dataset-service", "generation-service", "training-service", "registry-service");

    @Test
    void imagesComeFromTheConfiguredRegistryWithItsPullSecret() {
        for (String service : HelmChart.SERVICES) {
            PodSpec pod = RENDERED.get(Deployment.class, service)
                    .getSpec()
                    .getTemplate()
                    .getSpec();
            assertThat(pod.getContainers().get(0).getImage())
                    .isEqualTo("registry.example.com/tunestream/tunestream-" + service + ":0.1.0");
            assertThat(pod.getImagePullSecrets())
                    .singleElement()
                    .satisfies(secret -> assertThat(secret.getName()).isEqualTo("registry-credentials"));
        }
    }

    @Test
    void everyKafkaClientSpeaksSaslScramOverTlsWithItsCredentialsFromTheSecret() {
        for (String service : KAFKA_SERVICES) {
            Map<String, String> config = RENDERED.get(ConfigMap.class, service).getData();
            assertThat(config)
                    .as(service)
                    .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "events-kafka-bootstrap.kafka.svc:9093")
                    .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                    .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
                    .containsEntry("KAFKA_SSL_TRUSTSTORE_TYPE", "PEM")
                    .containsEntry("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/tunestream/kafka-tls/ca.crt")
                    .containsEntry("TUNESTREAM_TOPIC_PREFIX", "prod.tunestream");

            List<EnvVar> env = RENDERED.container(service).getEnv();
            List<String> names = env.stream().map(EnvVar::getName).toList();
            assertThat(RENDERED.secretEnvironment(service))
                    .containsEntry("TUNESTREAM_KAFKA_USERNAME", "secret:tunestream-kafka-user/username")
                    .containsEntry("TUNESTREAM_KAFKA_PASSWORD", "secret:tunestream-kafka-user/password");
            EnvVar jaas = env.get(names.indexOf("KAFKA_SASL_JAAS_CONFIG"));
            assertThat(jaas.getValue())
                    .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule required"
                            + " username=\"$(TUNESTREAM_KAFKA_USERNAME)\" password=\"$(TUNESTREAM_KAFKA_PASSWORD)\";");
            // Kubernetes expands $(VAR) only from variables defined earlier in the list.
            assertThat(names.indexOf("KAFKA_SASL_JAAS_CONFIG"))
                    .isGreaterThan(names.indexOf("TUNESTREAM_KAFKA_USERNAME"))
                    .isGreaterThan(names.indexOf("TUNESTREAM_KAFKA_PASSWORD"));

            PodSpec pod = RENDERED.get(Deployment.class, service)
                    .getSpec()
                    .getTemplate()
                    .getSpec();
            assertThat(pod.getContainers().get(0).getVolumeMounts())
                    .filteredOn(mount -> mount.getName().equals("kafka-tls"))
                    .singleElement()
                    .extracting(VolumeMount::getMountPath, VolumeMount::getReadOnly)
                    .containsExactly("/etc/tunestream/kafka-tls", true);
            Volume tls = pod.getVolumes().stream()
                    .filter(volume -> volume.getName().equals("kafka-tls"))
                    .findFirst()
                    .orElseThrow();
            assertThat(tls.getSecret().getSecretName()).isEqualTo("events-cluster-ca-cert");
            assertThat(tls.getSecret().getItems())
                    .singleElement()
                    .satisfies(item -> assertThat(item.getPath()).isEqualTo("ca.crt"));
        }
        assertThat(RENDERED.get(ConfigMap.class, "gateway").getData()).doesNotContainKey("KAFKA_SECURITY_PROTOCOL");
    }

    @Test
    void thePlainMechanismUsesThePlainLoginModule() {
        HelmChart.Rendered plain = HelmChart.template(command -> command.withValuesFile(HelmChart.PRODUCTION_VALUES)
                .set("global.kafka.sasl.mechanism", "PLAIN")
                .set("global.kafka.securityProtocol", "SASL_PLAINTEXT"));

        assertThat(plain.environment("generation-service"))
                .containsEntry("KAFKA_SASL_MECHANISM", "PLAIN")
                .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
                .doesNotContainKey("KAFKA_SSL_TRUSTSTORE_LOCATION");
        assertThat(plain.environment("generation-service").get("KAFKA_SASL_JAAS_CONFIG"))
                .startsWith("org.apache.kafka.common.security.plain.PlainLoginModule required ");
        Map<String, Object> trigger = singleTrigger(plain.getGeneric("ScaledObject", "generation-service"), "kafka");
        assertThat(metadata(trigger)).containsEntry("sasl", "plaintext").doesNotContainKey("tls");
    }

    @Test
    void theKafkaScalersAuthenticateLikeTheServices() {
        GenericKubernetesResource scaledObject = RENDERED.getGeneric("ScaledObject", "generation-service");
        Map<String, Object> trigger = singleTrigger(scaledObject, "kafka");

        assertThat(metadata(trigger))
                .containsEntry("bootstrapServers", "events-kafka-bootstrap.kafka.svc:9093")
                .containsEntry("topic", "prod.tunestream.prompts")
                .containsEntry("consumerGroup", "generation-service")
                .containsEntry("lagThreshold", "100")
                .containsEntry("sasl", "scram_sha512")
                .containsEntry("tls", "enable");
        assertThat((Object) scaledObject.get("spec", "minReplicaCount")).isEqualTo(2);
        assertThat((Object) scaledObject.get("spec", "maxReplicaCount")).isEqualTo(12);
        GenericKubernetesResource authentication = RENDERED.getGeneric("TriggerAuthentication", "generation-service");
        assertThat(trigger)
                .containsEntry(
                        "authenticationRef",
                        Map.of("name", authentication.getMetadata().getName()));
        assertThat(secretTargets(authentication))
                .containsExactlyInAnyOrder(
                        Map.of("parameter", "username", "name", "tunestream-kafka-user", "key", "username"),
                        Map.of("parameter", "password", "name", "tunestream-kafka-user", "key", "password"),
                        Map.of("parameter", "ca", "name", "events-cluster-ca-cert", "key", "ca.crt"));

        assertThat(metadata(kafkaTrigger("dataset-service")))
                .containsEntry("topic", "prod.tunestream.generations")
                .containsEntry("consumerGroup", "dataset-service.generations")
                .containsEntry("lagThreshold", "200");
    }

    @Test
    void databasesAreReachedOverTls() {
        assertThat(RENDERED.get(ConfigMap.class, "training-service").getData())
                .containsEntry(
                        "QUARKUS_DATASOURCE_JDBC_URL",
                        "jdbc:postgresql://postgres.db.svc:5432/tunestream_training?sslmode=require");
        assertThat(metadata(singleTrigger(RENDERED.getGeneric("ScaledObject", "training-service"), "postgresql")))
                .containsEntry("host", "postgres.db.svc")
                .containsEntry("sslmode", "require");
        assertThat(RENDERED.get(Deployment.class, "training-service")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getNodeSelector())
                .containsEntry("tunestream.io/pool", "training");
    }

    @Test
    void strimziTopicsSetThePartitionsThatCapTheReplicas() {
        List<GenericKubernetesResource> topics = RENDERED.generic("KafkaTopic");

        assertThat(topics).hasSize(12);
        assertThat(topics)
                .allSatisfy(topic ->
                        assertThat(topic.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "events"));
        Map<String, Object> prompts = topicSpec(topics, "prod.tunestream.prompts");
        assertThat(prompts).containsEntry("partitions", 12).containsEntry("replicas", 3);
        assertThat(topicSpec(topics, "prod.tunestream.prompts.dlq")).containsEntry("partitions", 12);
        assertThat(topicSpec(topics, "prod.tunestream.model-versions")).containsEntry("partitions", 1);
    }

    @Test
    void aKafkaScalerAboveThePartitionCountIsRefused() {
        assertThatThrownBy(() -> HelmChart.template(command -> command.withValuesFile(HelmChart.PRODUCTION_VALUES)
                        .set("generation-service.scaling.maxReplicas", "13")))
                .hasMessageContaining("generation-service: scaling.maxReplicas 13 is above the 12 partitions of"
                        + " prod.tunestream.prompts (global.kafka.topics.prompts.partitions)");
    }

    @Test
    void everyServiceHasAServiceMonitorScrapingMetrics() {
        for (String service : HelmChart.SERVICES) {
            GenericKubernetesResource monitor = RENDERED.getGeneric("ServiceMonitor", service);
            assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
            assertThat(monitor.get("spec", "endpoints").toString())
                    .contains("port=http", "path=/q/metrics", "interval=15s");
        }
    }

    @Test
    void scalingCanBeTurnedOffForPlainReplicas() {
        assertThat(RENDERED.get(Deployment.class, "registry-service").getSpec().getReplicas())
                .isEqualTo(2);
        assertThat(RENDERED.find(HorizontalPodAutoscaler.class, "registry-service"))
                .isEmpty();
        assertThat(RENDERED.findGeneric("ScaledObject", "registry-service")).isEmpty();

        HorizontalPodAutoscaler gateway = RENDERED.get(HorizontalPodAutoscaler.class, "gateway");
        assertThat(gateway.getSpec().getMinReplicas()).isEqualTo(3);
        assertThat(gateway.getSpec().getMaxReplicas()).isEqualTo(10);

        HelmChart.Rendered fixed =
                HelmChart.template(command -> command.set("generation-service.scaling.mode", "replicas")
                        .set("generation-service.scaling.replicas", "3")
                        .set("training-service.scaling.mode", "replicas"));
        assertThat(fixed.get(Deployment.class, "generation-service").getSpec().getReplicas())
                .isEqualTo(3);
        assertThat(fixed.get(Deployment.class, "training-service").getSpec().getReplicas())
                .isEqualTo(1);
        assertThat(fixed.generic("ScaledObject"))
                .extracting(object -> object.getMetadata().getName())
                .containsExactly(HelmChart.RELEASE + "-dataset-service");
        assertThat(fixed.generic("TriggerAuthentication")).isEmpty();
    }

    @Test
    void aServiceCanBeDisabled() {
        HelmChart.Rendered withoutTraining =
                HelmChart.template(command -> command.set("training-service.enabled", "false"));

        assertThat(withoutTraining.objects())
                .noneMatch(object -> object.getMetadata().getName().contains("training-service"));
        assertThat(withoutTraining.find(Deployment.class, "registry-service")).isPresent();
    }

    private static Map<String, Object> kafkaTrigger(String service) {
        return singleTrigger(RENDERED.getGeneric("ScaledObject", service), "kafka");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> topicSpec(List<GenericKubernetesResource> topics, String name) {
        return topics.stream()
                .map(topic ->
                        (Map<String, Object>) topic.getAdditionalProperties().get("spec"))
                .filter(spec -> name.equals(spec.get("topicName")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no KafkaTopic " + name));
    }
}
