package io.tunestream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.tunestream.events.Topic;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The chart against the services as built: the ports, topics and consumer groups the scalers follow, and every
 * environment variable the chart sets is one a service reads.
 */
class ServiceContractTest {

    static final List<String> SERVICES = HelmChart.SERVICES;
    static final HelmChart.Rendered RENDERED = HelmChart.defaults();

    /**
     * Read by every service through libs/platform's InternalToken ({@code tunestream.internal-token}, looked up with
     * the Config API rather than a mapping, so that the gateway can leave the check out);
     * {@link #platformWideVariablesAreReadByLibsPlatform} keeps this list true.
     */
    static final Map<String, String> PLATFORM_WIDE = Map.of("TUNESTREAM_INTERNAL_TOKEN", "tunestream.internal-token");

    @Test
    void platformWideVariablesAreReadByLibsPlatform() {
        String source = read(HelmChart.REPOSITORY.resolve(
                "libs/platform/src/main/java/io/tunestream/platform/security/InternalToken.java"));

        PLATFORM_WIDE.forEach((variable, key) -> assertThat(source)
                .as("libs/platform reads %s as %s", variable, key)
                .contains("\"" + key + "\""));
    }

    /** Extension keys that a service's application.properties leaves to the environment: credentials. */
    static final Set<String> QUARKUS_CREDENTIALS =
            Set.of("quarkus.datasource.password", "quarkus.minio.access-key", "quarkus.minio.secret-key");

    /** Only composed into KAFKA_SASL_JAAS_CONFIG through Kubernetes' $(VAR) expansion. */
    static final Set<String> CHART_INTERNAL = Set.of("TUNESTREAM_KAFKA_USERNAME", "TUNESTREAM_KAFKA_PASSWORD");

    @ParameterizedTest
    @FieldSource("SERVICES")
    void theContainerPortIsTheServicesHttpPort(String service) {
        String port = properties(service).getProperty("quarkus.http.port");

        assertThat(RENDERED.container(service).getPorts().get(0).getContainerPort())
                .isEqualTo(Integer.parseInt(port));
    }

    @Test
    void theChartKnowsEveryTopicOfTheBus() {
        Set<String> chartTopics = ValuesFiles.leaves(HelmChart.CHART).stream()
                .map(ValuesFiles.Leaf::path)
                .filter(path -> path.startsWith("global.kafka.topics."))
                .map(path -> path.split("\\.")[3])
                .collect(Collectors.toSet());

        assertThat(chartTopics)
                .containsExactlyInAnyOrderElementsOf(
                        Arrays.stream(Topic.values()).map(Topic::suffix).toList());
    }

    @Test
    void kafkaScalersFollowTheGroupAndTopicTheServiceConsumes() {
        List<GenericKubernetesResource> kafkaScaled = RENDERED.generic("ScaledObject").stream()
                .filter(object -> object.get("spec", "triggers").toString().contains("type=kafka"))
                .toList();
        assertThat(kafkaScaled).hasSize(2);

        for (GenericKubernetesResource scaledObject : kafkaScaled) {
            String service = scaledObject.getMetadata().getName().substring(HelmChart.RELEASE.length() + 1);
            Map<String, Object> metadata =
                    DefaultValuesTest.metadata(DefaultValuesTest.singleTrigger(scaledObject, "kafka"));
            Properties properties = properties(service);
            String prefix = properties.getProperty(Topic.PREFIX_KEY);
            String topic = (String) metadata.get("topic");
            String group = (String) metadata.get("consumerGroup");

            List<String> channels = properties.stringPropertyNames().stream()
                    .filter(key -> key.matches("mp\\.messaging\\.incoming\\.[^.]+\\.topic"))
                    .filter(key -> properties
                            .getProperty(key)
                            .replace("${" + Topic.PREFIX_KEY + "}", prefix)
                            .equals(topic))
                    .map(key -> key.split("\\.")[3])
                    .toList();
            assertThat(channels).as("%s reads %s", service, topic).hasSize(1);
            assertThat(properties.getProperty("mp.messaging.incoming." + channels.get(0) + ".group.id"))
                    .as("%s's group on %s", service, topic)
                    .isEqualTo(group);
        }
    }

    @ParameterizedTest
    @FieldSource("SERVICES")
    void everyVariableTheChartSetsIsOneTheServiceReads(String service) {
        Set<String> names =
                new HashSet<>(RENDERED.get(ConfigMap.class, service).getData().keySet());
        HelmChart.Rendered production = HelmChart.production();
        names.addAll(production.get(ConfigMap.class, service).getData().keySet());
        production.container(service).getEnv().stream().map(EnvVar::getName).forEach(names::add);
        RENDERED.container(service).getEnv().stream().map(EnvVar::getName).forEach(names::add);
        names.removeAll(CHART_INTERNAL);
        names.removeAll(PLATFORM_WIDE.keySet());

        assertThat(names)
                .as(service)
                .isNotEmpty()
                .allSatisfy(name -> assertThat(readBy(service, name))
                        .as("%s reads %s", service, name)
                        .isTrue());
    }

    /** Quarkus maps FOO_BAR_BAZ to foo.bar.baz, foo.bar-baz, ...: a key matches if some such spelling is it. */
    private static boolean readBy(String service, String variable) {
        Properties properties = properties(service);
        String text = read(moduleDirectory(service).resolve("src/main/resources/application.properties"));
        if (text.contains("${" + variable + ":") || text.contains("${" + variable + "}")) {
            return true;
        }
        Pattern spelling = Pattern.compile(variable.toLowerCase().replace("_", "[.-]"));
        if (variable.startsWith("KAFKA_")) {
            String clientKey =
                    variable.substring("KAFKA_".length()).toLowerCase().replace('_', '.');
            return Stream.of(
                            ConsumerConfig.configNames(), ProducerConfig.configNames(), AdminClientConfig.configNames())
                    .anyMatch(names -> names.contains(clientKey));
        }
        if (properties.stringPropertyNames().stream()
                .anyMatch(key -> spelling.matcher(key).matches())) {
            return true;
        }
        if (variable.startsWith("QUARKUS_")) {
            return QUARKUS_CREDENTIALS.stream()
                    .anyMatch(key -> spelling.matcher(key).matches());
        }
        return configMappings(service).stream().anyMatch(mapping -> mapping.reads(variable));
    }

    /** One @ConfigMapping interface (with its nested interfaces) of the service or of libs/platform. */
    record ConfigMappingSource(String prefix, String source) {

        private static final Pattern METHOD = Pattern.compile("(?m)^\\s+([\\w<>, ?]+)\\s+(\\w+)\\(\\);");

        boolean reads(String variable) {
            String prefixVariable = prefix.toUpperCase().replace('.', '_').replace('-', '_') + "_";
            if (!variable.startsWith(prefixVariable)) {
                return false;
            }
            List<String> tokens = List.of(
                    variable.substring(prefixVariable.length()).toLowerCase().split("_"));
            return matches(tokens);
        }

        /** The remaining tokens spell a chain of accessor names (a Map accessor takes any key after it). */
        private boolean matches(List<String> tokens) {
            if (tokens.isEmpty()) {
                return true;
            }
            Matcher method = METHOD.matcher(source);
            while (method.find()) {
                String name = method.group(2).toLowerCase();
                StringBuilder joined = new StringBuilder();
                for (int taken = 1; taken <= tokens.size(); taken++) {
                    joined.append(tokens.get(taken - 1));
                    if (joined.toString().equals(name)) {
                        if (method.group(1).startsWith("Map<")) {
                            return taken < tokens.size();
                        }
                        if (matches(tokens.subList(taken, tokens.size()))) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }
    }

    private static List<ConfigMappingSource> configMappings(String service) {
        Pattern mapping = Pattern.compile("@ConfigMapping\\(prefix = \"([^\"]+)\"\\)");
        List<ConfigMappingSource> mappings = new ArrayList<>();
        for (Path root : List.of(
                moduleDirectory(service).resolve("src/main/java"),
                HelmChart.REPOSITORY.resolve("libs/platform/src/main/java"))) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                    String source = read(file);
                    Matcher matcher = mapping.matcher(source);
                    if (matcher.find()) {
                        mappings.add(new ConfigMappingSource(matcher.group(1), source));
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertThat(mappings).as("@ConfigMapping interfaces of %s", service).isNotEmpty();
        return mappings;
    }

    static Properties properties(String service) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(
                moduleDirectory(service).resolve("src/main/resources/application.properties"))) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    static Path moduleDirectory(String service) {
        return HelmChart.REPOSITORY.resolve(service);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
