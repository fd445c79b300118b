package io.tunestream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Each service's src/main/docker/Dockerfile.jvm against the chart that runs its image. */
class ContainerImageTest {

    static final List<String> SERVICES = HelmChart.SERVICES;
    static final HelmChart.Rendered RENDERED = HelmChart.defaults();

    @ParameterizedTest
    @FieldSource("SERVICES")
    void theChartRunsTheImageMavenBuildsUnderItsName(String service) throws IOException {
        String pom = Files.readString(HelmChart.REPOSITORY.resolve(service).resolve("pom.xml"));
        String artifactId = firstMatch(pom, "</parent>\\s*<artifactId>([^<]+)</artifactId>");
        String version = firstMatch(pom, "<parent>.*?<version>([^<]+)</version>");

        assertThat(RENDERED.container(service).getImage())
                .isEqualTo("ghcr.io/tunestream/" + artifactId + ":" + version);
        assertThat(dockerfile(service)).contains("tunestream/" + artifactId + ":" + version);
    }

    @ParameterizedTest
    @FieldSource("SERVICES")
    void theImageRunsAsTheChartsNonRootUserOnTheChartsPort(String service) throws IOException {
        String dockerfile = dockerfile(service);
        Container container = RENDERED.container(service);
        var pod =
                RENDERED.get(Deployment.class, service).getSpec().getTemplate().getSpec();

        assertThat(dockerfile).startsWith("####").contains("FROM registry.access.redhat.com/ubi9/openjdk-17:");
        assertThat(lastMatch(dockerfile, "(?m)^USER (\\S+)$"))
                .isEqualTo(String.valueOf(pod.getSecurityContext().getRunAsUser()));
        assertThat(firstMatch(dockerfile, "(?m)^EXPOSE (\\d+)$"))
                .isEqualTo(String.valueOf(container.getPorts().get(0).getContainerPort()));
        assertThat(dockerfile).contains("COPY --chown=185 target/quarkus-app/lib/ /deployments/lib/");
    }

    @ParameterizedTest
    @FieldSource("SERVICES")
    void everyDirectoryTheImageWritesIsAVolumeOfTheChart(String service) throws IOException {
        String dockerfile = dockerfile(service);
        List<String> mounts = RENDERED.container(service).getVolumeMounts().stream()
                .map(VolumeMount::getMountPath)
                .toList();

        List<String> volumes = List.of(firstMatch(dockerfile, "(?m)^VOLUME \\[([^\\]]*)]$")
                .replace("\"", "")
                .split(",\\s*"));
        assertThat(mounts).containsAll(volumes);
        List<String> writtenPaths = new ArrayList<>();
        Matcher written = Pattern.compile("(?m)^(?:ENV )?\\s*(DJL_CACHE_DIR|TUNESTREAM_\\w+_DIRECTORY)=(\\S+)")
                .matcher(dockerfile);
        while (written.find()) {
            writtenPaths.add(written.group(2));
        }
        assertThat(writtenPaths).allSatisfy(path -> assertThat(volumes).anyMatch(path::startsWith));
    }

    @ParameterizedTest
    @FieldSource("SERVICES")
    void servicesRunningTheEngineKeepItsNativesOnAVolumeAndStayOffline(String service) throws IOException {
        boolean usesEngine = Files.readString(
                        HelmChart.REPOSITORY.resolve(service).resolve("pom.xml"))
                .contains("<artifactId>tunestream-llm</artifactId>");
        String dockerfile = dockerfile(service);

        if (usesEngine) {
            assertThat(dockerfile)
                    .contains(
                            "DJL_CACHE_DIR=/var/cache/tunestream/djl",
                            "OPT_OUT_TRACKING=true",
                            "-Dai.djl.offline=true");
        } else {
            assertThat(dockerfile).doesNotContain("DJL_CACHE_DIR");
        }
    }

    private static String dockerfile(String service) throws IOException {
        return Files.readString(HelmChart.REPOSITORY.resolve(service).resolve("src/main/docker/Dockerfile.jvm"));
    }

    private static String firstMatch(String text, String regex) {
        Matcher matcher = Pattern.compile(regex, Pattern.DOTALL).matcher(text);
        assertThat(matcher.find()).as("%s in the file", regex).isTrue();
        return matcher.group(1);
    }

    private static String lastMatch(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        String last = null;
        while (matcher.find()) {
            last = matcher.group(1);
        }
        assertThat(last).as(regex).isNotNull();
        return last;
    }
}
