package io.tunestream.registry.storage;

import io.tunestream.events.ArtifactRef;
import io.tunestream.events.ObjectRef;
import io.tunestream.platform.storage.ObjectIntegrityException;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.platform.storage.Sha256;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private final ObjectStore store;

    public ModelArtifactStore(ObjectStore store) {
        this.store = store;
    }

    /** {@code models/{model}/{version}/}. */
    public static String versionPrefix(String model, int version) {
        return "models/" + model + "/" + version + "/";
    }

    /** {@code s3://bucket/models/{model}/{version}/}. */
    public String versionUri(String model, int version) {
        return store.uri(versionPrefix(model, version));
    }

    /**
     * Copies every file of {@code source} under the version's prefix, each verified against the sha256 and size of the
     * event ({@link ObjectStore#copyVerified}). When a file fails, the objects this call wrote are removed again (they
     * were never named by any event); objects that were there before are left alone.
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

    private void copyEach(
            ArtifactRef source, String model, int version, List<StoredFile> stored, List<String> written) {
        for (ObjectRef file : source.files()) {
            String path = relativePath(source.uri(), file.uri());
            String key = versionPrefix(model, version) + path;
            if (!alreadyHolds(key, file.sha256(), file.sizeBytes())) {
                try {
                    store.copyVerified(file, key);
                } catch (ObjectIntegrityException | IllegalArgumentException e) {
                    // Content that differs from its event, or a URI that names no object: retrying never helps.
                    throw new ArtifactRejectedException(e.getMessage(), e);
                }
                written.add(key);
            }
            stored.add(new StoredFile(path, file.sha256(), file.sizeBytes()));
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
                    store.put(key, file, null);
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
        String key = versionPrefix(model, version) + path;
        return store.find(store.location(key))
                .orElseThrow(() -> new ArtifactRejectedException(store.uri(key) + " does not exist"));
    }

    /**
     * True when {@code key} holds content with this sha256 and size; false when there is no object.
     *
     * @throws ArtifactRejectedException when the key holds other content (a version's files are never overwritten)
     */
    private boolean alreadyHolds(String key, String sha256, long size) {
        Optional<Long> existing = store.size(key);
        if (existing.isEmpty()) {
            return false;
        }
        if (existing.get() == size && store.sha256(store.location(key)).equals(sha256)) {
            LOG.infof("%s is already in place with sha256 %s (an earlier attempt of this registration)", key, sha256);
            return true;
        }
        throw new ArtifactRejectedException(
                store.uri(key) + " already exists with other content;" + " a version's files are never overwritten");
    }

    private void remove(String key) {
        try {
            store.remove(key);
        } catch (RuntimeException e) {
            LOG.warnf("cannot remove %s: %s", store.uri(key), e.getMessage());
        }
    }

    /** A file's path under its artifact's prefix; refuses anything that would leave the version's prefix. */
    static String relativePath(String prefixUri, String fileUri) {
        try {
            return ArtifactRef.relativePath(prefixUri, fileUri);
        } catch (IllegalArgumentException e) {
            throw new ArtifactRejectedException(e.getMessage(), e);
        }
    }
}
