package io.tunestream.generation.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunestream.events.ArtifactRef;
import io.tunestream.events.ObjectRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Not a @QuarkusTest: naming the cache directory and the files in it is pure logic; downloads are tested in PromptFlowTest. */
class ModelFileCacheTest {

    private static final String PREFIX = "s3://tunestream/models/qa/3/";

    private static ObjectRef file(String name, char hash) {
        return new ObjectRef(PREFIX + name, String.valueOf(hash).repeat(64), 10);
    }

    @Test
    void shouldNameTheDirectoryByContentWhateverTheOrderOrPrefixOfTheFiles() {
        ArtifactRef artifact =
                new ArtifactRef(PREFIX, List.of(file("config.json", 'a'), file("model.safetensors", 'b')));
        ArtifactRef reordered =
                new ArtifactRef(PREFIX, List.of(file("model.safetensors", 'b'), file("config.json", 'a')));
        ArtifactRef otherVersionSameFiles = new ArtifactRef(
                "s3://tunestream/models/qa/4/",
                List.of(
                        new ObjectRef("s3://tunestream/models/qa/4/config.json", "a".repeat(64), 10),
                        new ObjectRef("s3://tunestream/models/qa/4/model.safetensors", "b".repeat(64), 10)));
        ArtifactRef otherContent =
                new ArtifactRef(PREFIX, List.of(file("config.json", 'a'), file("model.safetensors", 'c')));

        assertThat(ModelFileCache.contentKey(artifact))
                .hasSize(64)
                .isEqualTo(ModelFileCache.contentKey(reordered))
                .isEqualTo(ModelFileCache.contentKey(otherVersionSameFiles))
                .isNotEqualTo(ModelFileCache.contentKey(otherContent));
    }

    @Test
    void shouldKeepSubdirectoriesAndRefusePathsThatLeaveTheCacheDirectory() {
        ArtifactRef artifact = new ArtifactRef(PREFIX, List.of(file("tokenizer/vocab.json", 'a')));
        assertThat(artifact.relativePath(artifact.files().get(0))).isEqualTo("tokenizer/vocab.json");

        ArtifactRef escaping = new ArtifactRef(PREFIX, List.of(file("../../secrets", 'a')));
        assertThatThrownBy(() -> escaping.relativePath(escaping.files().get(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no safe relative path");
    }
}
