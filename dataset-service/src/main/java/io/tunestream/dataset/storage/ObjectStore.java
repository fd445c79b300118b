package io.tunestream.dataset.storage;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.tunestream.dataset.config.DatasetConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The service's objects in the platform's bucket, addressed by key; URIs are {@code s3://bucket/key}. */
@ApplicationScoped
public class ObjectStore {

    /** Multipart part size for streams of known length: large uploads go up in parts, never whole in memory. */
    private static final long PART_SIZE = 16L << 20;

    private final MinioClient minio;
    private final String bucket;

    public ObjectStore(MinioClient minio, DatasetConfig config) {
        this.minio = minio;
        this.bucket = config.storage().bucket();
    }

    public String bucket() {
        return bucket;
    }

    public String uri(String key) {
        return "s3://" + bucket + "/" + key;
    }

    /** The key of an {@code s3://bucket/key} URI in this service's bucket. */
    public String keyOf(String uri) {
        String prefix = "s3://" + bucket + "/";
        if (!uri.startsWith(prefix)) {
            throw new ObjectStoreException("object " + uri + " is not in bucket '" + bucket + "'", null);
        }
        return uri.substring(prefix.length());
    }

    public void putFile(String key, Path file, String contentType) {
        try (InputStream in = Files.newInputStream(file)) {
            minio.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(in, Files.size(file), PART_SIZE).contentType(contentType).build());
        } catch (Exception e) {
            throw new ObjectStoreException("cannot write " + uri(key) + ": " + e.getMessage(), e);
        }
    }

    public void putBytes(String key, byte[] content, String contentType) {
        try {
            minio.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(new ByteArrayInputStream(content), content.length, -1).contentType(contentType).build());
        } catch (Exception e) {
            throw new ObjectStoreException("cannot write " + uri(key) + ": " + e.getMessage(), e);
        }
    }

    /** The object's content; the caller closes the stream. */
    public InputStream open(String key) {
        try {
            return minio.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw new ObjectStoreException("cannot read " + uri(key) + ": " + e.getMessage(), e);
        }
    }

    /** The object's size, or empty when there is no such object. */
    public Optional<Long> size(String key) {
        try {
            return Optional.of(minio.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()).size());
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw new ObjectStoreException("cannot stat " + uri(key) + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new ObjectStoreException("cannot stat " + uri(key) + ": " + e.getMessage(), e);
        }
    }

    /** Removes an object that no record names, e.g. a raw upload whose samples could not be stored. */
    public void remove(String key) {
        try {
            minio.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw new ObjectStoreException("cannot remove " + uri(key) + ": " + e.getMessage(), e);
        }
    }
}
