package io.tunestream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunestream.infra.PostgresAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code --replicas} settings: ports, names, refusals, and their record in the home. */
class ReplicaSettingsTest {

    @TempDir
    Path home;

    @Test
    void replicasOfADefaultStackListenTenPortsApartAndAreNamedAfterTheirService() {
        StackSettings settings =
                StackSettings.defaults().withReplicas("generation-service", 3).withReplicas("training-service", 2);

        assertThat(settings.replicaPorts())
                .containsEntry("generation-service", List.of(8092, 8102))
                .containsEntry("training-service", List.of(8093));
        assertThat(settings.replicas("generation-service")).isEqualTo(3);
        assertThat(settings.replicas("dataset-service")).isEqualTo(1);
        Stack stack = new Stack(new StackLayout(home, home), PostgresAdmin.local(), settings);
        assertThat(stack.components())
                .extracting(Component::name)
                .containsExactly(
                        "kafka",
                        "object-store",
                        "dataset-service",
                        "generation-service",
                        "generation-service-2",
                        "generation-service-3",
                        "training-service",
                        "training-service-2",
                        "registry-service",
                        "gateway");
        assertThat(stack.component("generation-service-3").orElseThrow().url()).isEqualTo("http://127.0.0.1:8102");
        assertThat(stack.component("generation-service-3").orElseThrow().processMarker())
                .isEqualTo("generation-service/target/quarkus-app/quarkus-run.jar");
    }

    @Test
    void aServiceReachedAtOnePortOrABadCountIsRefusedWithTheReason() {
        StackSettings defaults = StackSettings.defaults();

        assertThatThrownBy(() -> defaults.withReplicas("dataset-service", 2))
                .hasMessageContaining("one process of dataset-service")
                .hasMessageContaining("generation-service");
        assertThatThrownBy(() -> defaults.withReplicas("generation-servce", 2))
                .hasMessageContaining("no service module generation-servce");
        assertThatThrownBy(() -> defaults.withReplicas("generation-service", 0))
                .hasMessageContaining("between 1 and " + StackSettings.MAX_REPLICAS);
        assertThatThrownBy(() -> defaults.withReplicas("generation-service", StackSettings.MAX_REPLICAS + 1))
                .hasMessageContaining("between 1 and");
        assertThat(defaults.withReplicas("generation-service", 1).replicaPorts())
                .isEmpty();
    }

    @Test
    void recordedReplicasApplyToLaterCommandsUntilSetBackToOne() throws Exception {
        StackLayout layout = new StackLayout(home, home);
        StackSettings defaults = StackSettings.defaults();

        RecordedReplicas.record(layout, defaults, Map.of("generation-service", 2));
        RecordedReplicas.record(layout, defaults, Map.of("training-service", 3));
        assertThat(RecordedReplicas.apply(layout, defaults).replicaPorts())
                .containsEntry("generation-service", List.of(8092))
                .containsEntry("training-service", List.of(8093, 8103));

        RecordedReplicas.record(layout, defaults, Map.of("generation-service", 1));
        assertThat(RecordedReplicas.read(layout)).isEqualTo(Map.of("training-service", 3));
        assertThatThrownBy(() -> RecordedReplicas.record(layout, defaults, Map.of("gateway", 2)))
                .isInstanceOf(LauncherException.class)
                .hasMessageContaining("--replicas gateway=2");
        assertThat(RecordedReplicas.read(layout))
                .as("nothing recorded from a refused option")
                .hasSize(1);

        Files.writeString(RecordedReplicas.file(layout), "generation-service=two\n");
        assertThatThrownBy(() -> RecordedReplicas.apply(layout, defaults))
                .isInstanceOf(LauncherException.class)
                .hasMessageContaining("replicas.properties")
                .hasMessageContaining("generation-service=two");
    }
}
