package io.tunestream.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectRefTest {

    private static final String SHA = "a".repeat(64);

    @Test
    void shouldTakeAnS3UriApartIntoBucketAndKey() {
        ObjectRef.Location location = ObjectRef.parse("s3://tunestream/models/qa/3/config.json");

        assertThat(location.bucket()).isEqualTo("tunestream");
        assertThat(location.key()).isEqualTo("models/qa/3/config.json");
        assertThat(location.uri()).isEqualTo("s3://tunestream/models/qa/3/config.json");
        assertThat(new ObjectRef(location.uri(), SHA, 1).location()).isEqualTo(location);
    }

    @Test
    void shouldSayWhatIsWrongWithAUriThatNamesNoObject() {
        assertThatThrownBy(() -> ObjectRef.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is required, got none");
        assertThatThrownBy(() -> ObjectRef.parse("https://tunestream/a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'https://tunestream/a'")
                .hasMessageContaining("does not start with s3://");
        assertThatThrownBy(() -> ObjectRef.parse("s3://tunestream"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names no key");
        assertThatThrownBy(() -> ObjectRef.parse("s3://tunestream/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names no key");
        assertThatThrownBy(() -> ObjectRef.parse("s3:///models/a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names no bucket");
        assertThatThrownBy(() -> ObjectRef.parse("s3://tunestream/models/qa/3/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names a prefix");
        assertThatThrownBy(() -> new ObjectRef("s3://tunestream", SHA, 1).location())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names no key");
    }

    @Test
    void shouldGiveAFilesPathUnderItsArtifactAndRefuseOneThatLeavesIt() {
        String prefix = "s3://tunestream/models/qa/3/";
        ArtifactRef artifact = new ArtifactRef(prefix, List.of(new ObjectRef(prefix + "tokenizer/vocab.json", SHA, 1)));

        assertThat(artifact.relativePath(artifact.files().get(0))).isEqualTo("tokenizer/vocab.json");
        assertThatThrownBy(() -> ArtifactRef.relativePath(prefix, prefix + "../../other/config.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no safe relative path");
        assertThatThrownBy(() -> ArtifactRef.relativePath(prefix, prefix + "./config.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no safe relative path");
        assertThatThrownBy(() -> ArtifactRef.relativePath(prefix, prefix + "/config.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no safe relative path");
        assertThatThrownBy(() -> ArtifactRef.relativePath(prefix, "s3://tunestream/elsewhere/config.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not under");
    }
}
