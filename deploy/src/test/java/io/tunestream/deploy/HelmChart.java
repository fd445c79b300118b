package io.tunestream.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** The umbrella chart in helm/tunestream, rendered by helm-java's bundled Helm and parsed into fabric8's models. */
final class HelmChart {

    static final Path REPOSITORY = repositoryRoot();
    static final Path CHART = REPOSITORY.resolve("helm/tunestream");
    static final Path PRODUCTION_VALUES = REPOSITORY.resolve("helm/examples/production-values.yaml");
    static final String RELEASE = "ts";
    static final List<String> SERVICES =
            List.of("gateway", "dataset-service", "generation-service", "training-service", "registry-service");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private HelmChart() {}

    /** helm template with the chart's defaults, plus what {@code options} adds (values files, --set). */
    static Rendered template(UnaryOperator<TemplateCommand> options) {
        String yaml = options.apply(new Helm(CHART).template().withName(RELEASE).withNamespace("tunestream"))
                .call();
        List<HasMetadata> objects = Arrays.stream(yaml.split("(?m)^---\\s*$"))
                .filter(document -> document.lines().anyMatch(line -> line.startsWith("kind:")))
                .map(document -> SERIALIZATION.<HasMetadata>unmarshal(document))
                .toList();
        return new Rendered(yaml, objects);
    }

    static Rendered defaults() {
        return template(command -> command);
    }

    static Rendered production() {
        return template(command -> command.withValuesFile(PRODUCTION_VALUES));
    }

    record Rendered(String yaml, List<HasMetadata> objects) {

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> Optional<T> find(Class<T> type, String service) {
            String name = RELEASE + "-" + service;
            return all(type).stream()
                    .filter(object -> object.getMetadata().getName().equals(name))
                    .findFirst();
        }

        <T extends HasMetadata> T get(Class<T> type, String service) {
            return find(type, service)
                    .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " for " + service));
        }

        List<GenericKubernetesResource> generic(String kind) {
            return all(GenericKubernetesResource.class).stream()
                    .filter(object -> object.getKind().equals(kind))
                    .toList();
        }

        Optional<GenericKubernetesResource> findGeneric(String kind, String service) {
            String name = RELEASE + "-" + service;
            return generic(kind).stream()
                    .filter(object -> object.getMetadata().getName().equals(name))
                    .findFirst();
        }

        GenericKubernetesResource getGeneric(String kind, String service) {
            return findGeneric(kind, service).orElseThrow(() -> new AssertionError("no " + kind + " for " + service));
        }

        /** The container's environment: the ConfigMap it reads whole, then its own entries. */
        Map<String, String> environment(String service) {
            Map<String, String> environment =
                    new LinkedHashMap<>(get(ConfigMap.class, service).getData());
            container(service).getEnv().forEach(variable -> environment.put(variable.getName(), describe(variable)));
            return environment;
        }

        /** Only the entries that come from Secrets, as "secret/key". */
        Map<String, String> secretEnvironment(String service) {
            return container(service).getEnv().stream()
                    .filter(variable -> variable.getValueFrom() != null
                            && variable.getValueFrom().getSecretKeyRef() != null)
                    .collect(Collectors.toMap(EnvVar::getName, HelmChart::describe, (a, b) -> b, LinkedHashMap::new));
        }

        io.fabric8.kubernetes.api.model.Container container(String service) {
            return get(Deployment.class, service)
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0);
        }
    }

    private static String describe(EnvVar variable) {
        if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
            var reference = variable.getValueFrom().getSecretKeyRef();
            return "secret:" + reference.getName() + "/" + reference.getKey();
        }
        return variable.getValue();
    }

    private static Path repositoryRoot() {
        Path directory = Path.of("").toAbsolutePath();
        while (directory != null && !Files.isDirectory(directory.resolve("helm/tunestream"))) {
            directory = directory.getParent();
        }
        if (directory == null) {
            throw new IllegalStateException(
                    "no helm/tunestream above " + Path.of("").toAbsolutePath());
        }
        return directory;
    }
}
