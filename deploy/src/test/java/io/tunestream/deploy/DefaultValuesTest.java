package io.tunestream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** helm template with the chart's own defaults. */
class DefaultValuesTest {

    static final List<String> SERVICES = HelmChart.SERVICES;

    /** Names of settings that are credentials: they may only come from Secrets. */
    static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|SECRET|TOKEN|ACCESS_KEY|ADMIN_KEY|JAAS).*");

    static final HelmChart.Rendered RENDERED = HelmChart.defaults();

    @ParameterizedTest
    @FieldSource("SERVICES")
    void everyServiceHasItsObjects(String service) {
        for (Class<? extends HasMetadata> type : List.of(
                Deployment.class,
                Service.class,
                ServiceAccount.class,
                ConfigMap.class,
                PodDisruptionBudget.class,
                NetworkPolicy.class)) {
            assertThat(RENDERED.find(type, service))
                    .as("%s of %s", type.getSimpleName(), service)
                    .isPresent();
        }
        Service kubernetesService = RENDERED.get(Service.class, service);
        assertThat(kubernetesService.getSpec().getSelector())
                .containsEntry("app.kubernetes.io/name", service)
                .containsEntry("app.kubernetes.io/instance", HelmChart.RELEASE);
        assertThat(kubernetesService.getSpec().getPorts().get(0).getTargetPort().getStrVal())
                .isEqualTo("http");
    }

    @ParameterizedTest
    @FieldSource("SERVICES")
    void probesAskQuarkusHealthOnTheHttpPort(String service) {
        Container container = RENDERED.container(service);

        assertThat(container.getPorts())
                .singleElement()
                .satisfies(port -> assertThat(port.getName()).isEqualTo("http"));
        assertProbe(container.getLivenessProbe(), "/q/health/live");
        assertProbe(container.getReadinessProbe(), "/q/health/ready");
        assertProbe(container.getStartupProbe(), "/q/health/started");
    }

    @Test
    void theGenerationServiceMayTakeFiveMinutesToStart() {
        Probe startup = RENDERED.container("generation-service").getStartupProbe();
        Probe gatewayStartup = RENDERED.container("gateway").getStartupProbe();

        assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).isGreaterThanOrEqualTo(300);
        assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold())
                .isGreaterThan(gatewayStartup.getPeriodSeconds() * gatewayStartup.getFailureThreshold());
    }

    @ParameterizedTest
    @FieldSource("SERVICES")
    void podsRunAsNonRootOnAReadOnlyRootWithWritableCaches(String service) {
        PodSpec pod =
                RENDERED.get(Deployment.class, service).getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(185L);
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getVolumeMounts())
                .extracting(VolumeMount::getMountPath)
                .contains("/tmp", "/var/cache/tunestream");
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsKey("memory");
    }

    @ParameterizedTest
    @FieldSource("SERVICES")
    void podsSpreadOverNodesAndZonesAndAreScrapedByPrometheus(String service) {
        var template = RENDERED.get(Deployment.class, service).getSpec().getTemplate();

        assertThat(template.getSpec().getTopologySpreadConstraints())
                .extracting(constraint -> constraint.getTopologyKey())
                .containsExactly("kubernetes.io/hostname", "topology.kubernetes.io/zone");
        assertThat(template.getSpec().getTopologySpreadConstraints())
                .allSatisfy(
                        constraint -> assertThat(constraint.getLabelSelector().getMatchLabels())
                                .containsEntry("app.kubernetes.io/name", service));
        String port =
                String.valueOf(RENDERED.container(service).getPorts().get(0).getContainerPort());
        assertThat(template.getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/path", "/q/metrics")
                .containsEntry("prometheus.io/port", port);
        assertThat(RENDERED.get(PodDisruptionBudget.class, service)
                        .getSpec()
                        .getMaxUnavailable()
                        .getIntVal())
                .isEqualTo(1);
        assertThat(RENDERED.findGeneric("ServiceMonitor", service)).isEmpty();
    }

    @Test
    void gatewayAndRegistryScaleByCpu() {
        for (String service : List.of("gateway", "registry-service")) {
            HorizontalPodAutoscaler hpa = RENDERED.get(HorizontalPodAutoscaler.class, service);
            assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(HelmChart.RELEASE + "-" + service);
            assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(metric -> {
                assertThat(metric.getResource().getName()).isEqualTo("cpu");
                assertThat(metric.getResource().getTarget().getAverageUtilization())
                        .isEqualTo(70);
            });
            // The autoscaler owns the count: a replicas field would fight it at every upgrade.
            assertThat(RENDERED.get(Deployment.class, service).getSpec().getReplicas())
                    .isNull();
        }
        assertThat(RENDERED.all(HorizontalPodAutoscaler.class)).hasSize(2);
    }

    @Test
    void generationScalesOnTheLagOfItsGroupOnPrompts() {
        Map<String, Object> trigger = singleTrigger("generation-service", "kafka");
        Map<String, Object> metadata = metadata(trigger);

        assertThat(metadata)
                .containsEntry("topic", "tunestream.prompts")
                .containsEntry("consumerGroup", "generation-service")
                .containsEntry("bootstrapServers", "kafka-bootstrap:9092")
                .containsEntry("allowIdleConsumers", "false")
                .doesNotContainKeys("sasl", "tls");
        assertThat(trigger).doesNotContainKey("authenticationRef");
        assertThat(RENDERED.get(Deployment.class, "generation-service")
                        .getSpec()
                        .getReplicas())
                .isNull();
        assertThat(RENDERED.findGeneric("TriggerAuthentication", "generation-service"))
                .isEmpty();
    }

    @Test
    void datasetScalesOnTheLagOfItsGroupOnGenerations() {
        assertThat(metadata(singleTrigger("dataset-service", "kafka")))
                .containsEntry("topic", "tunestream.generations")
                .containsEntry("consumerGroup", "dataset-service.generations");
    }

    @Test
    void trainingScalesOnQueuedJobsWithThePasswordFromItsSecret() {
        Map<String, Object> trigger = singleTrigger("training-service", "postgresql");

        assertThat(metadata(trigger))
                .containsEntry("host", "postgresql")
                .containsEntry("dbName", "tunestream_training")
                .containsEntry("userName", "tunestream_training")
                .containsEntry("targetQueryValue", "1")
                .containsEntry("query", "select count(*) from training_job where state in ('QUEUED', 'RUNNING')")
                .doesNotContainKey("password");
        GenericKubernetesResource authentication = RENDERED.getGeneric("TriggerAuthentication", "training-service");
        assertThat(trigger)
                .containsEntry(
                        "authenticationRef",
                        Map.of("name", authentication.getMetadata().getName()));
        assertThat(secretTargets(authentication))
                .containsExactly(Map.of("parameter", "password", "name", "tunestream-training-db", "key", "password"));
    }

    @Test
    void onlyTheGatewayAcceptsTrafficFromOutsideTheRelease() {
        NetworkPolicy gateway = RENDERED.get(NetworkPolicy.class, "gateway");
        assertThat(gateway.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getFrom()).isEmpty();
            assertThat(rule.getPorts())
                    .singleElement()
                    .satisfies(port -> assertThat(port.getPort().getStrVal()).isEqualTo("http"));
        });

        for (String service : SERVICES.subList(1, SERVICES.size())) {
            NetworkPolicy policy = RENDERED.get(NetworkPolicy.class, service);
            assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                    .containsEntry("app.kubernetes.io/name", service);
            assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
            NetworkPolicyIngressRule rule = policy.getSpec().getIngress().get(0);
            assertThat(policy.getSpec().getIngress()).hasSize(1);
            List<String> podSources = rule.getFrom().stream()
                    .filter(peer -> peer.getPodSelector() != null)
                    .map(peer -> {
                        assertThat(peer.getPodSelector().getMatchLabels())
                                .containsEntry("app.kubernetes.io/instance", HelmChart.RELEASE);
                        return peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name");
                    })
                    .toList();
            List<NetworkPolicyPeer> namespaceSources = rule.getFrom().stream()
                    .filter(peer -> peer.getNamespaceSelector() != null)
                    .toList();
            assertThat(podSources)
                    .as(service)
                    .containsExactlyElementsOf(
                            service.equals("registry-service")
                                    ? List.of("gateway", "training-service")
                                    : List.of("gateway"));
            assertThat(namespaceSources).singleElement().satisfies(peer -> {
                assertThat(peer.getNamespaceSelector().getMatchLabels())
                        .containsExactly(Map.entry("kubernetes.io/metadata.name", "monitoring"));
                assertThat(peer.getPodSelector()).isNull();
            });
        }
    }

    @ParameterizedTest
    @FieldSource("SERVICES")
    void credentialsComeFromSecretsOnly(String service) {
        Map<String, String> config = RENDERED.get(ConfigMap.class, service).getData();
        Map<String, String> secrets = RENDERED.secretEnvironment(service);

        assertThat(config.keySet()).noneMatch(name -> SECRET_NAME.matcher(name).matches());
        assertThat(RENDERED.container(service).getEnv())
                .filteredOn(variable -> SECRET_NAME.matcher(variable.getName()).matches())
                .allSatisfy(variable -> assertThat(variable.getValueFrom())
                        .as(variable.getName())
                        .isNotNull());
        assertThat(secrets).containsEntry("TUNESTREAM_INTERNAL_TOKEN", "secret:tunestream-internal-token/token");
        switch (service) {
            case "gateway" ->
                assertThat(secrets)
                        .containsEntry("QUARKUS_DATASOURCE_PASSWORD", "secret:tunestream-gateway-db/password")
                        .containsEntry("TUNESTREAM_GATEWAY_ADMIN_KEY", "secret:tunestream-gateway-admin/admin-key")
                        .doesNotContainKey("QUARKUS_MINIO_SECRET_KEY");
            case "generation-service" ->
                assertThat(secrets)
                        .containsEntry("QUARKUS_MINIO_ACCESS_KEY", "secret:tunestream-object-store/access-key")
                        .containsEntry("QUARKUS_MINIO_SECRET_KEY", "secret:tunestream-object-store/secret-key")
                        .doesNotContainKey("QUARKUS_DATASOURCE_PASSWORD");
            default -> {
                String owner = service.replace("-service", "");
                assertThat(secrets)
                        .containsEntry("QUARKUS_DATASOURCE_PASSWORD", "secret:tunestream-" + owner + "-db/password")
                        .containsEntry("QUARKUS_MINIO_SECRET_KEY", "secret:tunestream-object-store/secret-key");
            }
        }
    }

    @Test
    void theChartCreatesNoSecretAndNoDefaultHoldsOne() throws Exception {
        assertThat(RENDERED.all(Secret.class)).isEmpty();
        assertThat(RENDERED.objects()).noneMatch(object -> object.getKind().equals("Secret"));
        // Every values file: a setting named like a credential names a Secret or a key in one, never a value.
        assertThat(ValuesFiles.leaves(HelmChart.CHART))
                .filteredOn(leaf -> leaf.path().matches("(?i).*(password|secret|token|jaas|credential).*"))
                .isNotEmpty()
                .allSatisfy(leaf -> assertThat(leaf.path())
                        .as("%s = %s", leaf.path(), leaf.value())
                        .matches("(?i).*(existingSecret|Key|secretEnv\\[\\d+]\\.(name|optional))$"));
    }

    @Test
    void defaultsRenderNoStrimziTopics() {
        assertThat(RENDERED.generic("KafkaTopic")).isEmpty();
    }

    private static void assertProbe(Probe probe, String path) {
        assertThat(probe).as(path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
    }

    static Map<String, Object> singleTrigger(String service, String type) {
        GenericKubernetesResource scaledObject = RENDERED.getGeneric("ScaledObject", service);
        return singleTrigger(scaledObject, type);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> singleTrigger(GenericKubernetesResource scaledObject, String type) {
        List<Map<String, Object>> triggers = (List<Map<String, Object>>) scaledObject.get("spec", "triggers");
        assertThat(triggers)
                .singleElement()
                .satisfies(trigger -> assertThat(trigger).containsEntry("type", type));
        return triggers.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> metadata(Map<String, Object> trigger) {
        return (Map<String, Object>) trigger.get("metadata");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> secretTargets(GenericKubernetesResource authentication) {
        return (List<Map<String, Object>>) authentication.get("spec", "secretTargetRef");
    }
}
