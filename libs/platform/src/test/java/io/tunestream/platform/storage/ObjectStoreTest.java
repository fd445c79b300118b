package io.tunestream.platform.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunestream.events.ArtifactRef;
import io.tunestream.events.ObjectRef;
import io.tunestream.infra.ChildProcess;
import io.tunestream.infra.Ports;
import io.tunestream.infra.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The object store against the S3 API server the project tests with (S3Proxy in a child JVM). */
class ObjectStoreTest {

    @TempDir
    static Path serverDirectory;

    @TempDir
    Path work;

    static Process server;
    static ObjectStore store;

    @BeforeAll
    static void startServer() {
        S3ProxyServer s3 = new S3ProxyServer(
                Path.of(System.getProperty("tunestream.s3proxy.jar")),
                serverDirectory.resolve("data"),
                Ports.freePort(),
                "access",
                "secret-" + UUID.randomUUID());
        server = s3.start(true, serverDirectory.resolve("s3proxy.log"));
        store = ObjectStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "tunestream");
        store.createBucketIfMissing();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            ChildProcess.stop(server.toHandle());
        }
    }

    @Test
    void shouldReturnTheSha256AndSizeOfWhatItUploaded() throws IOException {
        byte[] content = "{\"prompt\":\"2+2\"}\n".getBytes(StandardCharsets.UTF_8);

        ObjectRef known = store.put("it/known.jsonl", content, "application/x-ndjson");
        ObjectRef unknownLength = store.put("it/unknown.jsonl", new ByteArrayInputStream(content), -1, null);

        for (ObjectRef ref : List.of(known, unknownLength)) {
            assertThat(ref.sha256()).isEqualTo(Sha256.of(content));
            assertThat(ref.sizeBytes()).isEqualTo(content.length);
            assertThat(store.size(ref.location())).contains((long) content.length);
            assertThat(store.sha256(ref.location())).isEqualTo(Sha256.of(content));
            try (InputStream in = store.open(ref.location())) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
        }
        assertThat(known.uri()).isEqualTo("s3://tunestream/it/known.jsonl");
        assertThat(store.list("it/")).containsExactlyInAnyOrder("it/known.jsonl", "it/unknown.jsonl");
        assertThat(store.size("it/missing")).isEmpty();
        assertThat(store.find(store.location("it/missing"))).isEmpty();
    }

    @Test
    void shouldRefuseADownloadWhoseContentDiffersFromItsReferenceAndLeaveNoFile() throws IOException {
        ObjectRef ref = store.put("verify/model.bin", "the weights".getBytes(StandardCharsets.UTF_8), null);
        Path target = work.resolve("cache/model.bin");
        store.download(ref, target);
        assertThat(Files.readString(target)).isEqualTo("the weights");

        // The object changes under its reference: same size, other content.
        store.put("verify/model.bin", "THE weights".getBytes(StandardCharsets.UTF_8), null);
        Path corrupted = work.resolve("corrupted/model.bin");
        assertThatThrownBy(() -> store.download(ref, corrupted))
                .isInstanceOf(ObjectIntegrityException.class)
                .hasMessageContaining(ref.uri())
                .hasMessageContaining("sha256 " + ref.sha256());
        assertThat(corrupted).doesNotExist();
        try (var left = Files.list(corrupted.getParent())) {
            assertThat(left).as("no partial download stays behind").isEmpty();
        }

        ObjectRef wrongSize = new ObjectRef(ref.uri(), Sha256.of("THE weights"), 99);
        assertThatThrownBy(() -> store.download(wrongSize, work.resolve("size.bin")))
                .isInstanceOf(ObjectIntegrityException.class)
                .hasMessageContaining("99 bytes");
        ObjectRef missing = new ObjectRef(store.uri("verify/missing.bin"), ref.sha256(), 1);
        assertThatThrownBy(() -> store.download(missing, work.resolve("missing.bin")))
                .isInstanceOf(ObjectIntegrityException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void shouldCopyOnlyWhatMatchesItsReference() {
        ObjectRef source = store.put("copy/a.json", "{}".getBytes(StandardCharsets.UTF_8), null);

        ObjectRef copy = store.copyVerified(source, "copy/b.json");
        assertThat(copy.sha256()).isEqualTo(source.sha256());
        assertThat(copy.uri()).isEqualTo("s3://tunestream/copy/b.json");

        ObjectRef lying = new ObjectRef(source.uri(), Sha256.of("[]"), source.sizeBytes());
        assertThatThrownBy(() -> store.copyVerified(lying, "copy/c.json"))
                .isInstanceOf(ObjectIntegrityException.class)
                .hasMessageContaining("has sha256 " + source.sha256());
        assertThat(store.size("copy/c.json")).as("a refused copy is removed").isEmpty();
    }

    @Test
    void shouldRoundTripADirectoryWithItsRelativePaths() throws IOException {
        Path directory = work.resolve("checkpoint");
        Files.createDirectories(directory.resolve("tokenizer"));
        Files.writeString(directory.resolve("config.json"), "{\"layers\":2}");
        Files.writeString(directory.resolve("tokenizer/vocab.json"), "{\"a\":0}");

        ArtifactRef artifact = store.uploadDirectory(directory, "checkpoints/job-1/step-2/");

        assertThat(artifact.uri()).isEqualTo("s3://tunestream/checkpoints/job-1/step-2/");
        assertThat(artifact.files())
                .extracting(ObjectRef::uri)
                .containsExactly(
                        "s3://tunestream/checkpoints/job-1/step-2/config.json",
                        "s3://tunestream/checkpoints/job-1/step-2/tokenizer/vocab.json");
        assertThat(artifact.files().get(1).sha256()).isEqualTo(Sha256.of(directory.resolve("tokenizer/vocab.json")));

        Path copy = work.resolve("downloaded");
        store.downloadDirectory(artifact, copy);
        assertThat(Files.readString(copy.resolve("config.json"))).isEqualTo("{\"layers\":2}");
        assertThat(Files.readString(copy.resolve("tokenizer/vocab.json"))).isEqualTo("{\"a\":0}");
    }
}
