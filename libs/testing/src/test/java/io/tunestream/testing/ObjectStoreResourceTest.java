package io.tunestream.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.platform.storage.ObjectStore.ObjectInfo;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ObjectStoreResourceTest {

    /** The platform store's part size for streams of unknown length (ObjectStore.PART_SIZE). */
    private static final long PART_SIZE = 16L * 1024 * 1024;

    @Inject
    ObjectStore store;

    @Test
    void shouldPutGetStatAndListObjects() throws Exception {
        String prefix = "probe/" + UUID.randomUUID() + "/";
        byte[] first = "{\"text\":\"first\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] second = "{\"text\":\"second\"}\n".getBytes(StandardCharsets.UTF_8);

        assertThat(store.bucket()).isEqualTo(ObjectStoreResource.DEFAULT_BUCKET);
        store.put(prefix + "a.jsonl", first, "application/x-ndjson");
        store.put(prefix + "b.jsonl", second, "application/x-ndjson");

        assertThat(get(prefix + "a.jsonl")).isEqualTo(first);
        ObjectInfo stat = store.stat(store.location(prefix + "b.jsonl")).orElseThrow();
        assertThat(stat.size()).isEqualTo(second.length);
        assertThat(stat.contentType()).isEqualTo("application/x-ndjson");
        assertThat(store.list(prefix)).containsExactly(prefix + "a.jsonl", prefix + "b.jsonl");
        assertThat(store.stat(store.location(prefix + "missing")))
                .as("the server answers NoSuchKey for a missing object")
                .isEmpty();
    }

    @Test
    void shouldStoreAMultipartUploadLargerThanOnePart() throws Exception {
        byte[] content = new byte[(int) (2 * PART_SIZE + 1_234_567)];
        new Random(7).nextBytes(content);
        String name = "probe/" + UUID.randomUUID() + "/model.safetensors";

        // Unknown size makes the store upload in parts of PART_SIZE: three here.
        try (InputStream stream = new ByteArrayInputStream(content)) {
            store.put(name, stream, -1, "application/octet-stream");
        }

        ObjectInfo stat = store.stat(store.location(name)).orElseThrow();
        assertThat(stat.size()).isEqualTo(content.length);
        assertThat(stat.etag())
                .as("the ETag of a completed multipart upload ends with its part count")
                .endsWith("-3");
        assertThat(sha256(get(name))).isEqualTo(sha256(content));
    }

    private byte[] get(String name) throws Exception {
        try (InputStream stream = store.open(name)) {
            return stream.readAllBytes();
        }
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
