package io.tunestream.registry.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The paths a version's files get under its prefix; not a @QuarkusTest because these are pure functions. */
class ModelArtifactStoreTest {

    private static final String PREFIX = "s3://tunestream/checkpoints/job-1/merged/";

    @Test
    void shouldKeepAFilesPathRelativeToItsArtifactPrefix() {
        assertThat(ModelArtifactStore.relativePath(PREFIX, PREFIX + "model.safetensors"))
                .isEqualTo("model.safetensors");
        assertThat(ModelArtifactStore.relativePath(PREFIX, PREFIX + "shards/model-00001.safetensors"))
                .isEqualTo("shards/model-00001.safetensors");
    }

    @Test
    void shouldRefusePathsThatWouldLeaveTheVersionPrefix() {
        assertThatThrownBy(() -> ModelArtifactStore.relativePath(PREFIX, PREFIX + "../../other/config.json"))
                .isInstanceOf(ArtifactRejectedException.class)
                .hasMessageContaining("no safe relative path");
        assertThatThrownBy(() -> ModelArtifactStore.relativePath(PREFIX, PREFIX + "/config.json"))
                .isInstanceOf(ArtifactRejectedException.class);
        assertThatThrownBy(() -> ModelArtifactStore.relativePath(PREFIX, "s3://tunestream/elsewhere/config.json"))
                .isInstanceOf(ArtifactRejectedException.class)
                .hasMessageContaining("is not under");
    }

    @Test
    void shouldNameVersionPrefixesByModelAndNumber() {
        assertThat(ModelArtifactStore.versionPrefix("tiny-llama", 4)).isEqualTo("models/tiny-llama/4/");
    }
}
