package io.tunestream.platform.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveBucketArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.ObjectRef;
import io.tunestream.events.ObjectRef.Location;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The platform's object storage: the one place that speaks the S3 API (through the MinIO client). Writes return the
 * {@link ObjectRef} (URI, sha256, size) an event names them by; reads by reference verify the content against it.
 *
 * <p>Keys are in the platform's bucket ({@link #bucket()}); a {@link Location} or an {@link ObjectRef} may name any
 * bucket. Failures of the store itself are {@link UncheckedIOException}s (worth retrying); content that is not what
 * its reference states is an {@link ObjectIntegrityException} (never worth retrying). The services hold their own rules
 * (which keys they write, whether a key may be written twice); this class holds none.
 *
 * <p>In a service it is a bean ({@link ObjectStoreProducer}); the launcher and the tests {@link #connect} one.
 */
public class ObjectStore {

    /** Part size for streams of unknown length: large uploads go up in parts, never whole in memory. */
    static final long PART_SIZE = 16L << 20;

    /** The error codes of a missing object (S3 answers a GET with the first, some servers a HEAD with the second). */
    private static final Set<String> NO_SUCH_OBJECT = Set.of("NoSuchKey", "NoSuchObject");

    private final MinioClient minio;
    private final String bucket;

    public ObjectStore(MinioClient minio, String bucket) {
        this.minio = minio;
        if (bucket == null || bucket.isBlank() || bucket.contains("/")) {
            throw new IllegalArgumentException("a bucket name is required and has no '/', got '" + bucket + "'");
        }
        this.bucket = bucket;
    }

    /** A store on an S3 API server outside a service's container, e.g. {@code http://127.0.0.1:9000}. */
    public static ObjectStore connect(String endpoint, String accessKey, String secretKey, String bucket) {
        return new ObjectStore(
                MinioClient.builder()
                        .endpoint(endpoint)
                        .credentials(accessKey, secretKey)
                        .build(),
                bucket);
    }

    public String bucket() {
        return bucket;
    }

    /** {@code key} in the platform's bucket. */
    public Location location(String key) {
        return new Location(bucket, key);
    }

    /** {@code s3://bucket/key} of {@code key} in the platform's bucket. */
    public String uri(String key) {
        return location(key).uri();
    }

    // ---- the bucket (operators and tests; a service never creates or removes it) ----

    public boolean bucketExists() {
        try {
            return minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
        } catch (Exception e) {
            throw failure("cannot look up bucket '" + bucket + "'", e);
        }
    }

    /** Creates the platform's bucket unless it exists, as an operator provisions it. */
    public void createBucketIfMissing() {
        try {
            if (!bucketExists()) {
                minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
        } catch (UncheckedIOException e) {
            throw e;
        } catch (Exception e) {
            throw failure("cannot create bucket '" + bucket + "'", e);
        }
    }

    /** Removes the platform's bucket, which must be empty (a test of a service without its bucket). */
    public void removeBucket() {
        try {
            minio.removeBucket(RemoveBucketArgs.builder().bucket(bucket).build());
        } catch (Exception e) {
            throw failure("cannot remove bucket '" + bucket + "'", e);
        }
    }

    // ---- writes ----

    /**
     * Streams {@code content} to {@code key} through a sha256 digest.
     *
     * @param size the content's length, or -1 when unknown (it then goes up in parts of {@value #PART_SIZE} bytes)
     * @return the object's reference, with the sha256 and size of what was sent
     */
    public ObjectRef put(String key, InputStream content, long size, String contentType) {
        MessageDigest digest = Sha256.digest();
        CountingInputStream counted = new CountingInputStream(new DigestInputStream(content, digest));
        try {
            PutObjectArgs.Builder args =
                    PutObjectArgs.builder().bucket(bucket).object(key).stream(counted, size, size < 0 ? PART_SIZE : -1);
            if (contentType != null) {
                args.contentType(contentType);
            }
            minio.putObject(args.build());
        } catch (Exception e) {
            throw failure("cannot write " + uri(key), e);
        }
        return new ObjectRef(uri(key), Sha256.hex(digest), counted.count);
    }

    /** Uploads a file to {@code key}, streamed. */
    public ObjectRef put(String key, Path file, String contentType) {
        try (InputStream in = Files.newInputStream(file)) {
            return put(key, in, Files.size(file), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " for " + uri(key) + ": " + e.getMessage(), e);
        }
    }

    public ObjectRef put(String key, byte[] content, String contentType) {
        return put(key, new ByteArrayInputStream(content), content.length, contentType);
    }

    /**
     * Uploads every regular file under {@code directory} to {@code prefix} (ending in '/'), keeping their relative
     * paths, in path order.
     */
    public ArtifactRef uploadDirectory(Path directory, String prefix) {
        List<ObjectRef> files = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.filter(Files::isRegularFile).sorted().toList()) {
                files.add(put(prefix + directory.relativize(path).toString().replace('\\', '/'), path, null));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory + ": " + e.getMessage(), e);
        }
        return new ArtifactRef(uri(prefix), files);
    }

    /**
     * Copies {@code source} to {@code key} in the platform's bucket, streaming it through a sha256 digest. When the
     * source is not what its reference states, the copy is removed again and nothing names it.
     *
     * @return the copy's reference
     * @throws ObjectIntegrityException when the source is missing or its size or sha256 differs from the reference's
     */
    public ObjectRef copyVerified(ObjectRef source, String key) {
        Location from = source.location();
        long size = size(from).orElseThrow(() -> new ObjectIntegrityException(source.uri() + " does not exist"));
        if (size != source.sizeBytes()) {
            throw new ObjectIntegrityException(
                    source.uri() + " has " + size + " bytes, but its reference states " + source.sizeBytes());
        }
        ObjectRef copy;
        try (InputStream in = open(from)) {
            copy = put(key, in, source.sizeBytes(), null);
            // The store read exactly sizeBytes: anything left means the source grew since it was measured.
            if (in.read() != -1) {
                remove(location(key));
                throw new ObjectIntegrityException(
                        source.uri() + " is longer than the " + source.sizeBytes() + " bytes its reference states");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot copy " + source.uri() + " to " + uri(key) + ": " + e.getMessage(), e);
        }
        if (!copy.sha256().equals(source.sha256())) {
            remove(location(key));
            throw new ObjectIntegrityException(
                    source.uri() + " has sha256 " + copy.sha256() + ", but its reference states " + source.sha256());
        }
        return copy;
    }

    /** Removes an object; removing a missing one is no error. */
    public void remove(Location location) {
        try {
            minio.removeObject(RemoveObjectArgs.builder()
                    .bucket(location.bucket())
                    .object(location.key())
                    .build());
        } catch (Exception e) {
            throw failure("cannot remove " + location.uri(), e);
        }
    }

    public void remove(String key) {
        remove(location(key));
    }

    // ---- reads ----

    /** What the store says about an object without reading it. */
    public record ObjectInfo(long size, String contentType, String etag) {}

    /** The object's size, content type and ETag, or empty when there is no such object. */
    public Optional<ObjectInfo> stat(Location location) {
        try {
            StatObjectResponse stat = minio.statObject(StatObjectArgs.builder()
                    .bucket(location.bucket())
                    .object(location.key())
                    .build());
            return Optional.of(new ObjectInfo(stat.size(), stat.contentType(), stat.etag()));
        } catch (ErrorResponseException e) {
            if (NO_SUCH_OBJECT.contains(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw failure("cannot stat " + location.uri(), e);
        } catch (Exception e) {
            throw failure("cannot stat " + location.uri(), e);
        }
    }

    /** The object's size, or empty when there is no such object. */
    public Optional<Long> size(Location location) {
        return stat(location).map(ObjectInfo::size);
    }

    public Optional<Long> size(String key) {
        return size(location(key));
    }

    /** The object's content, or empty when there is no such object; the caller closes the stream. */
    public Optional<InputStream> find(Location location) {
        try {
            return Optional.of(minio.getObject(GetObjectArgs.builder()
                    .bucket(location.bucket())
                    .object(location.key())
                    .build()));
        } catch (ErrorResponseException e) {
            if (NO_SUCH_OBJECT.contains(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw failure("cannot read " + location.uri(), e);
        } catch (Exception e) {
            throw failure("cannot read " + location.uri(), e);
        }
    }

    /**
     * The object's content, unverified (for streaming an object whose reference was checked when it was written); the
     * caller closes the stream.
     *
     * @throws UncheckedIOException when the object does not exist or the store fails
     */
    public InputStream open(Location location) {
        return find(location)
                .orElseThrow(() -> new UncheckedIOException(new IOException(location.uri() + " does not exist")));
    }

    public InputStream open(String key) {
        return open(location(key));
    }

    /** The sha256 of the object's content, streamed. */
    public String sha256(Location location) {
        MessageDigest digest = Sha256.digest();
        try (InputStream in = new DigestInputStream(open(location), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location.uri() + ": " + e.getMessage(), e);
        }
        return Sha256.hex(digest);
    }

    /** The keys under {@code prefix} in the platform's bucket, at any depth. */
    public List<String> list(String prefix) {
        List<String> keys = new ArrayList<>();
        try {
            for (Result<Item> item : minio.listObjects(ListObjectsArgs.builder()
                    .bucket(bucket)
                    .prefix(prefix)
                    .recursive(true)
                    .build())) {
                keys.add(item.get().objectName());
            }
        } catch (Exception e) {
            throw failure("cannot list " + uri(prefix), e);
        }
        return keys;
    }

    /**
     * Downloads {@code ref} to {@code target}, streaming it through a sha256 digest. The content goes to a temporary
     * file beside the target and is moved into place only once its sha256 and size match the reference, so the target
     * never holds content that failed verification.
     *
     * @throws ObjectIntegrityException when the object is missing or its sha256 or size differs from the reference's
     */
    public void download(ObjectRef ref, Path target) {
        Location location = ref.location();
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path partial = Files.createTempFile(parent, target.getFileName().toString(), ".partial");
            try {
                MessageDigest digest = Sha256.digest();
                long size;
                InputStream object =
                        find(location).orElseThrow(() -> new ObjectIntegrityException(ref.uri() + " does not exist"));
                try (InputStream in = new DigestInputStream(object, digest);
                        OutputStream out = Files.newOutputStream(partial)) {
                    size = in.transferTo(out);
                }
                String actual = Sha256.hex(digest);
                if (!actual.equals(ref.sha256()) || size != ref.sizeBytes()) {
                    throw new ObjectIntegrityException(ref.uri() + " has sha256 " + actual + " and " + size
                            + " bytes, but its reference states sha256 " + ref.sha256() + " and " + ref.sizeBytes()
                            + " bytes");
                }
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot download " + ref.uri() + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Downloads every file of {@code artifact} into {@code directory}, each verified, keeping their paths under the
     * artifact's prefix.
     *
     * @throws IllegalArgumentException when a file's path would leave the directory
     * @throws ObjectIntegrityException when a file is missing or differs from its reference
     */
    public void downloadDirectory(ArtifactRef artifact, Path directory) {
        for (ObjectRef file : artifact.files()) {
            download(file, directory.resolve(artifact.relativePath(file)));
        }
    }

    private static UncheckedIOException failure(String what, Exception cause) {
        return new UncheckedIOException(new IOException(what + ": " + cause.getMessage(), cause));
    }

    /** Counts what the store read, which is the object's size when the length was not known in advance. */
    private static final class CountingInputStream extends java.io.FilterInputStream {

        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public boolean markSupported() {
            // A reset would feed bytes through the digest twice.
            return false;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
