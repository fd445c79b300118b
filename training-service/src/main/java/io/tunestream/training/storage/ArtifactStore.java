package io.tunestream.training.storage;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.ObjectRef;
import io.tunestream.platform.storage.Sha256;
import io.tunestream.training.config.TrainingConfig;
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
import java.util.stream.Stream;

/**
 * The job's files in object storage: downloads verified against the sha256 their event states, uploads that return
 * each file's sha256 for the event that will name them.
 */
@ApplicationScoped
public class ArtifactStore {

    private final MinioClient minio;
    private final String bucket;

    public ArtifactStore(MinioClient minio, TrainingConfig config) {
        this.minio = minio;
        this.bucket = config.storage().bucket();
    }

    /**
     * Downloads {@code ref} to {@code target}, streaming it through a sha256 digest.
     *
     * @throws ArtifactCorruptException when the content's sha256 or size differs from the reference's
     */
    public void download(ObjectRef ref, Path target) {
        S3Uri location = S3Uri.parse(ref.uri());
        MessageDigest digest = Sha256.digest();
        long size;
        try {
            Files.createDirectories(target.getParent());
            try (InputStream in = new DigestInputStream(minio.getObject(GetObjectArgs.builder().bucket(location.bucket())
                    .object(location.key()).build()), digest); OutputStream out = Files.newOutputStream(target)) {
                size = in.transferTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot download " + ref.uri() + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot download " + ref.uri() + ": " + e.getMessage(), e);
        }
        String actual = Sha256.hex(digest);
        if (!actual.equals(ref.sha256()) || size != ref.sizeBytes()) {
            throw new ArtifactCorruptException(ref.uri() + " has sha256 " + actual + " and " + size + " bytes, but its event"
                    + " states sha256 " + ref.sha256() + " and " + ref.sizeBytes() + " bytes");
        }
    }

    /** Downloads every file of {@code artifact} into {@code directory}, keeping their paths under the prefix. */
    public void download(ArtifactRef artifact, Path directory) {
        for (ObjectRef file : artifact.files()) {
            String relative = file.uri().substring(artifact.uri().length());
            Path target = directory.resolve(relative).normalize();
            if (!target.startsWith(directory)) {
                throw new ArtifactCorruptException(file.uri() + " leaves its artifact's prefix " + artifact.uri());
            }
            download(file, target);
        }
    }

    /** Uploads every regular file under {@code directory} to {@code prefix} (ending in '/'), with their sha256. */
    public ArtifactRef upload(Path directory, String prefix) {
        List<ObjectRef> files = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.filter(Files::isRegularFile).sorted().toList()) {
                String key = prefix + directory.relativize(path).toString().replace('\\', '/');
                files.add(uploadFile(path, key));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory + ": " + e.getMessage(), e);
        }
        return new ArtifactRef("s3://" + bucket + "/" + prefix, files);
    }

    private ObjectRef uploadFile(Path file, String key) throws IOException {
        String sha256 = Sha256.of(file);
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            minio.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(in, size, -1).build());
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot upload " + key + ": " + e.getMessage(), e);
        }
        return new ObjectRef("s3://" + bucket + "/" + key, sha256, size);
    }



    /** {@code s3://bucket/key} taken apart. */
    record S3Uri(String bucket, String key) {

        static S3Uri parse(String uri) {
            String rest = uri.substring("s3://".length());
            int slash = rest.indexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                throw new ArtifactCorruptException("'" + uri + "' is not an s3://bucket/key URI");
            }
            return new S3Uri(rest.substring(0, slash), rest.substring(slash + 1));
        }
    }
}
