package io.tunestream.generation.storage;

import io.tunestream.events.ArtifactRef;
import io.tunestream.events.ObjectRef;
import io.tunestream.generation.config.GenerationConfig;
import io.tunestream.platform.storage.ObjectIntegrityException;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.platform.storage.Sha256;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import org.jboss.logging.Logger;

/**
 * Brings a model version's files from object storage into a local directory, verifying each file's sha256 against
 * the {@link ArtifactRef} of its event.
 *
 * <p>The directory of a checkpoint is named by the sha256 of its file list (relative path and sha256 of every file),
 * so the same content is downloaded once whatever version names it, and two different contents never share a
 * directory. Files already there are hashed again before use: a file damaged on disk is downloaded anew rather than
 * trusted. A download is moved into place only after its hash matched ({@link ObjectStore#download}), so a directory
 * never holds a file that failed verification.
 */
@ApplicationScoped
public class ModelFileCache {

    private static final Logger LOG = Logger.getLogger(ModelFileCache.class);

    private final ObjectStore store;
    private final Path root;

    public ModelFileCache(ObjectStore store, GenerationConfig config) {
        this.store = store;
        this.root = config.cacheDirectory();
    }

    /**
     * The local directory holding every file of {@code artifact}, each verified.
     *
     * @throws ObjectIntegrityException when a downloaded file's sha256 or size differs from the event's
     * @throws UncheckedIOException when the store or the disk fails
     */
    public Path fetch(ArtifactRef artifact) {
        Path directory = root.resolve(contentKey(artifact));
        try {
            Files.createDirectories(directory);
            for (ObjectRef file : artifact.files()) {
                Path target = directory.resolve(artifact.relativePath(file));
                if (Files.isRegularFile(target) && file.sha256().equals(Sha256.of(target))) {
                    continue;
                }
                store.download(file, target);
                LOG.debugf("cached %s (%d bytes) as %s", file.uri(), file.sizeBytes(), target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot cache " + artifact.uri() + " in " + directory + ": " + e.getMessage(), e);
        }
        return directory;
    }

    /** The sha256 of the checkpoint's file list, which names its cache directory. */
    static String contentKey(ArtifactRef artifact) {
        MessageDigest digest = Sha256.digest();
        artifact.files().stream()
                .sorted(Comparator.comparing(ObjectRef::uri))
                .forEach(file -> digest.update(
                        (artifact.relativePath(file) + " " + file.sha256() + "\n").getBytes(StandardCharsets.UTF_8)));
        return Sha256.hex(digest);
    }
}
