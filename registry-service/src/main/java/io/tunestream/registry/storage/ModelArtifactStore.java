package io.tunestream.registry.storage;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.ObjectRef;
import io.tunestream.platform.storage.Sha256;
import io.tunestream.registry.config.RegistryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The files of model versions under {@code models/{model}/{version}/} in the platform's bucket.
 *
 * <p>A version's files are written once and never overwritten. Before each write the key is checked: an object already
 * there is accepted only when its content has the sha256 about to be written (a previous attempt of the same pending
 * registration placed it before the process died); any other content is refused. The registry hands out each version
 * number once, so no two registrations ever write under the same prefix.
 */
@ApplicationScoped
public class ModelArtifactStore {

    private static final Logger LOG = Logger.getLogger(ModelArtifactStore.class);
    private static final String NO_SUCH_KEY = "NoSuchKey";

    private final MinioClient minio;
    private final String bucket;

    public ModelArtifactStore(MinioClient minio, RegistryConfig config) {
        this.minio = minio;
        this.bucket = config.storage().bucket();
    }

    /** {@code models/{model}/{version}/}. */
    public static String versionPrefix(String model, int version) {
        return "models/" + model + "/" + version + "/";
    }

    /** {@code s3://bucket/models/{model}/{version}/}. */
    public String versionUri(String model, int version) {
        return "s3://" + bucket + "/" + versionPrefix(model, version);
    }

    /**
     * Copies every file of {@code source} under the version's prefix, streaming each one through a sha256 digest and
     * comparing it and the size with the event's. When a file fails, the objects this call wrote are removed again
     * (they were never named by any event); objects that were there before are left alone.
     *
     * @throws ArtifactRejectedException when a file is missing, differs from the event, or the target holds other content
     * @throws UncheckedIOException when the store fails (worth retrying)
     */
    public List<StoredFile> copyVerified(ArtifactRef source, String model, int version) {
        if (source.files().isEmpty()) {
            throw new ArtifactRejectedException(source.uri() + " lists no files");
        }
        List<StoredFile> stored = new ArrayList<>();
        List<String> written = new ArrayList<>();
        try {
            copyEach(source, model, version, stored, written);
        } catch (RuntimeException e) {
            written.forEach(this::remove);
            throw e;
        }
        return stored;
    }

    private void copyEach(ArtifactRef source, String model, int version, List<StoredFile> stored, List<String> written) {
        for (ObjectRef file : source.files()) {
            String path = relativePath(source.uri(), file.uri());
            String key = versionPrefix(model, version) + path;
            if (alreadyHolds(key, file.sha256(), file.sizeBytes())) {
                stored.add(new StoredFile(path, file.sha256(), file.sizeBytes()));
                continue;
            }
            ObjectLocation from = ObjectLocation.parse(file.uri());
            StatObjectResponse sourceStat = stat(from)
                    .orElseThrow(() -> new ArtifactRejectedException(file.uri() + " does not exist"));
            if (sourceStat.size() != file.sizeBytes()) {
                throw new ArtifactRejectedException(file.uri() + " has " + sourceStat.size() + " bytes, but its event states "
                        + file.sizeBytes());
            }
            MessageDigest digest = Sha256.digest();
            try (InputStream in = new DigestInputStream(get(from), digest)) {
                put(key, in, file.sizeBytes());
                written.add(key);
                // The store read exactly sizeBytes: anything left means the source is longer than the event says.
                if (in.read() != -1) {
                    throw new ArtifactRejectedException(file.uri() + " is longer than the " + file.sizeBytes()
                            + " bytes its event states");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + file.uri() + " to " + key + ": " + e.getMessage(), e);
            }
            String actual = Sha256.hex(digest);
            if (!actual.equals(file.sha256())) {
                throw new ArtifactRejectedException(file.uri() + " has sha256 " + actual + ", but its event states "
                        + file.sha256());
            }
            stored.add(new StoredFile(path, actual, file.sizeBytes()));
        }
    }

    /**
     * Uploads every regular file under {@code directory} (relative paths kept) under the version's prefix; when one
     * fails, the objects this call wrote are removed again.
     *
     * @throws ArtifactRejectedException when the target already holds other content
     */
    public List<StoredFile> uploadDirectory(Path directory, String model, int version) {
        List<StoredFile> stored = new ArrayList<>();
        List<String> written = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                String path = directory.relativize(file).toString().replace('\\', '/');
                String sha256 = Sha256.of(file);
                long size = Files.size(file);
                String key = versionPrefix(model, version) + path;
                if (!alreadyHolds(key, sha256, size)) {
                    try (InputStream in = Files.newInputStream(file)) {
                        put(key, in, size);
                    }
                    written.add(key);
                }
                stored.add(new StoredFile(path, sha256, size));
            }
        } catch (IOException e) {
            written.forEach(this::remove);
            throw new UncheckedIOException("cannot upload " + directory + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            written.forEach(this::remove);
            throw e;
        }
        return stored;
    }

    /** The object of a version's file, for streaming to a client; the caller closes it. */
    public InputStream open(String model, int version, String path) {
        return get(new ObjectLocation(bucket, versionPrefix(model, version) + path));
    }

    /**
     * True when {@code key} holds content with this sha256 and size; false when there is no object.
     *
     * @throws ArtifactRejectedException when the key holds other content (a version's files are never overwritten)
     */
    private boolean alreadyHolds(String key, String sha256, long size) {
        Optional<StatObjectResponse> existing = stat(new ObjectLocation(bucket, key));
        if (existing.isEmpty()) {
            return false;
        }
        if (existing.get().size() == size) {
            MessageDigest digest = Sha256.digest();
            try (InputStream in = new DigestInputStream(get(new ObjectLocation(bucket, key)), digest)) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + key + ": " + e.getMessage(), e);
            }
            if (Sha256.hex(digest).equals(sha256)) {
                LOG.infof("%s is already in place with sha256 %s (an earlier attempt of this registration)", key, sha256);
                return true;
            }
        }
        throw new ArtifactRejectedException("s3://" + bucket + "/" + key + " already exists with other content;"
                + " a version's files are never overwritten");
    }

    private Optional<StatObjectResponse> stat(ObjectLocation location) {
        try {
            return Optional.of(minio.statObject(StatObjectArgs.builder().bucket(location.bucket()).object(location.key())
                    .build()));
        } catch (ErrorResponseException e) {
            if (NO_SUCH_KEY.equals(e.errorResponse().code()) || "NoSuchObject".equals(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw new UncheckedIOException(new IOException("cannot stat " + location.uri() + ": " + e.getMessage(), e));
        } catch (Exception e) {
            throw new UncheckedIOException(new IOException("cannot stat " + location.uri() + ": " + e.getMessage(), e));
        }
    }

    private InputStream get(ObjectLocation location) {
        try {
            return minio.getObject(GetObjectArgs.builder().bucket(location.bucket()).object(location.key()).build());
        } catch (ErrorResponseException e) {
            if (NO_SUCH_KEY.equals(e.errorResponse().code())) {
                throw new ArtifactRejectedException(location.uri() + " does not exist", e);
            }
            throw new UncheckedIOException(new IOException("cannot read " + location.uri() + ": " + e.getMessage(), e));
        } catch (Exception e) {
            throw new UncheckedIOException(new IOException("cannot read " + location.uri() + ": " + e.getMessage(), e));
        }
    }

    private void put(String key, InputStream content, long size) {
        try {
            minio.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(content, size, -1).build());
        } catch (Exception e) {
            throw new UncheckedIOException(new IOException("cannot write s3://" + bucket + "/" + key + ": "
                    + e.getMessage(), e));
        }
    }

    private void remove(String key) {
        try {
            minio.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            LOG.warnf("cannot remove s3://%s/%s: %s", bucket, key, e.getMessage());
        }
    }

    /** A file's path under its artifact's prefix; refuses anything that would leave the version's prefix. */
    static String relativePath(String prefixUri, String fileUri) {
        if (!fileUri.startsWith(prefixUri)) {
            throw new ArtifactRejectedException(fileUri + " is not under " + prefixUri);
        }
        String relative = fileUri.substring(prefixUri.length());
        if (relative.isEmpty() || relative.startsWith("/") || List.of(relative.split("/")).contains("..")
                || List.of(relative.split("/")).contains(".")) {
            throw new ArtifactRejectedException(fileUri + " has no safe relative path under " + prefixUri);
        }
        return relative;
    }


}
