package io.tunestream.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ObjectStoreResourceTest {

    private static final String BUCKET = ObjectStoreResource.DEFAULT_BUCKET;
    private static final long PART_SIZE = 5L * 1024 * 1024;

    @Inject
    MinioClient minio;

    @Test
    void shouldPutGetStatAndListObjects() throws Exception {
        String prefix = "probe/" + UUID.randomUUID() + "/";
        byte[] first = "{\"text\":\"first\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] second = "{\"text\":\"second\"}\n".getBytes(StandardCharsets.UTF_8);

        put(prefix + "a.jsonl", first, -1);
        put(prefix + "b.jsonl", second, -1);

        assertThat(get(prefix + "a.jsonl")).isEqualTo(first);
        StatObjectResponse stat = minio.statObject(StatObjectArgs.builder().bucket(BUCKET).object(prefix + "b.jsonl").build());
        assertThat(stat.size()).isEqualTo(second.length);
        assertThat(stat.contentType()).isEqualTo("application/x-ndjson");
        List<String> names = new ArrayList<>();
        for (Result<Item> item : minio.listObjects(ListObjectsArgs.builder().bucket(BUCKET).prefix(prefix).recursive(true).build())) {
            names.add(item.get().objectName());
        }
        assertThat(names).containsExactly(prefix + "a.jsonl", prefix + "b.jsonl");
        assertThatThrownBy(() -> minio.statObject(StatObjectArgs.builder().bucket(BUCKET).object(prefix + "missing").build()))
                .isInstanceOf(ErrorResponseException.class)
                .satisfies(e -> assertThat(((ErrorResponseException) e).errorResponse().code()).isEqualTo("NoSuchKey"));
    }

    @Test
    void shouldStoreAMultipartUploadLargerThanOnePart() throws Exception {
        byte[] content = new byte[(int) (2 * PART_SIZE + 1_234_567)];
        new Random(7).nextBytes(content);
        String name = "probe/" + UUID.randomUUID() + "/model.safetensors";

        // Unknown size with a 5 MiB part size makes the SDK upload in parts: three here.
        put(name, content, PART_SIZE);

        StatObjectResponse stat = minio.statObject(StatObjectArgs.builder().bucket(BUCKET).object(name).build());
        assertThat(stat.size()).isEqualTo(content.length);
        assertThat(stat.etag()).as("the ETag of a completed multipart upload ends with its part count").endsWith("-3");
        assertThat(sha256(get(name))).isEqualTo(sha256(content));
    }

    private void put(String name, byte[] content, long partSize) throws Exception {
        try (InputStream stream = new ByteArrayInputStream(content)) {
            PutObjectArgs.Builder args = PutObjectArgs.builder().bucket(BUCKET).object(name).contentType("application/x-ndjson");
            minio.putObject((partSize > 0 ? args.stream(stream, -1, partSize) : args.stream(stream, content.length, -1)).build());
        }
    }

    private byte[] get(String name) throws Exception {
        try (InputStream stream = minio.getObject(GetObjectArgs.builder().bucket(BUCKET).object(name).build())) {
            return stream.readAllBytes();
        }
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
