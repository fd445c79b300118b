package io.tunestream.generation.storage;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.ObjectRef;
import io.tunestream.generation.config.GenerationConfig;
import io.tunestream.platform.storage.Sha256;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Brings a model version's files from object storage into a local directory, verifying each file's sha256 against
 * the {@link ArtifactRef} of its event.
 *
 * <p>The directory of a checkpoint is named by the sha256 of its file list (relative path and sha256 of every file),
 * so the same content is downloaded once whatever version names it, and two different contents never share a
 * directory. Files already there are hashed again before use: a file damaged on disk is downloaded anew rather than
 * trusted. A download goes to a temporary file and is moved into place only after its hash matched, so a directory
 * never holds a file that failed verification.
 */
@ApplicationScoped
public class ModelFileCache {

    private static final Logger LOG = Logger.getLogger(ModelFileCache.class);
    private static final String S3_SCHEME = "s3://";

    private final MinioClient minio;
    private final Path root;

    public ModelFileCache(MinioClient minio, GenerationConfig config) {
        this.minio = minio;
        this.root = config.cacheDirectory();
    }

    /**
     * The local directory holding every file of {@code artifact}, each verified.
     *
     * @throws ArtifactVerificationException when a downloaded file's sha256 or size differs from the event's
     * @throws UncheckedIOException when the store or the disk fails
     */
    public Path fetch(ArtifactRef artifact) {
        Path directory = root.resolve(contentKey(artifact));
        try {
            Files.createDirectories(directory);
            for (ObjectRef file : artifact.files()) {
                Path target = directory.resolve(relativePath(artifact, file));
                if (Files.isRegularFile(target) && file.sha256().equals(Sha256.of(target))) {
                    continue;
                }
                download(file, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot cache " + artifact.uri() + " in " + directory + ": " + e.getMessage(), e);
        }
        return directory;
    }

    private void download(ObjectRef file, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".partial");
        try {
            MessageDigest digest = Sha256.digest();
            long size;
            try (InputStream in = new DigestInputStream(open(file), digest);
                 OutputStream out = Files.newOutputStream(partial)) {
                size = in.transferTo(out);
            }
            String actual = Sha256.hex(digest);
            if (!actual.equals(file.sha256()) || size != file.sizeBytes()) {
                throw new ArtifactVerificationException(file.uri() + ": downloaded " + size + " bytes with sha256 " + actual
                        + ", but the model-versions event says " + file.sizeBytes() + " bytes with sha256 " + file.sha256());
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LOG.debugf("cached %s (%d bytes) as %s", file.uri(), size, target);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private InputStream open(ObjectRef file) throws IOException {
        String location = file.uri().substring(S3_SCHEME.length());
        int slash = location.indexOf('/');
        if (slash <= 0 || slash == location.length() - 1) {
            throw new IllegalArgumentException(file.uri() + " is not an s3://bucket/key URI");
        }
        try {
            return minio.getObject(GetObjectArgs.builder()
                    .bucket(location.substring(0, slash))
                    .object(location.substring(slash + 1))
                    .build());
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot read " + file.uri() + " from the object store: " + e.getMessage(), e);
        }
    }

    /** The file's path under the artifact's prefix; refuses paths that would leave the cache directory. */
    static String relativePath(ArtifactRef artifact, ObjectRef file) {
        String relative = file.uri().substring(artifact.uri().length());
        if (relative.isEmpty() || relative.startsWith("/") || List.of(relative.split("/")).contains("..")) {
            throw new IllegalArgumentException(file.uri() + " has no safe relative path under " + artifact.uri());
        }
        return relative;
    }

    /** The sha256 of the checkpoint's file list, which names its cache directory. */
    static String contentKey(ArtifactRef artifact) {
        MessageDigest digest = Sha256.digest();
        artifact.files().stream()
                .sorted(Comparator.comparing(ObjectRef::uri))
                .forEach(file -> digest.update((relativePath(artifact, file) + " " + file.sha256() + "\n")
                        .getBytes(StandardCharsets.UTF_8)));
        return Sha256.hex(digest);
    }


}
