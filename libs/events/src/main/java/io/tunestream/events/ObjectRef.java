package io.tunestream.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One object in object storage, named by URI ({@code s3://bucket/key}) with the sha256 of its content, so that a
 * reader verifies what it downloaded.
 *
 * <p>{@link #parse(String)} is the platform's one reading of an {@code s3://} URI; {@link #location()} applies it to
 * this reference.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ObjectRef(String uri, String sha256, long sizeBytes) {

    public ObjectRef {
        EventValidation.requireText(uri, "ObjectRef", "uri");
        if (!uri.startsWith("s3://")) {
            throw new IllegalArgumentException("ObjectRef.uri must be an s3://bucket/key URI, got '" + uri + "'");
        }
        EventValidation.requireSha256(sha256, "ObjectRef", "sha256");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("ObjectRef.sizeBytes must not be negative, got " + sizeBytes);
        }
    }

    /** The scheme of every object URI the platform writes. */
    public static final String SCHEME = "s3://";

    /** The bucket and key this reference names. */
    public Location location() {
        return parse(uri);
    }

    /**
     * The bucket and key of an {@code s3://bucket/key} URI.
     *
     * @throws IllegalArgumentException saying what is wrong: no scheme, no bucket, no key, or a prefix (ending in '/')
     *     where an object is meant
     */
    public static Location parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException(
                    "an object URI (s3://bucket/key) is required, got " + (uri == null ? "none" : "'" + uri + "'"));
        }
        if (!uri.startsWith(SCHEME)) {
            throw new IllegalArgumentException(
                    "'" + uri + "' is not an s3://bucket/key URI: it does not start with " + SCHEME);
        }
        String location = uri.substring(SCHEME.length());
        int slash = location.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + uri + "' is not an s3://bucket/key URI: it names no key");
        }
        if (slash == 0) {
            throw new IllegalArgumentException("'" + uri + "' is not an s3://bucket/key URI: it names no bucket");
        }
        if (slash == location.length() - 1) {
            throw new IllegalArgumentException("'" + uri + "' is not an s3://bucket/key URI: it names no key");
        }
        if (uri.endsWith("/")) {
            throw new IllegalArgumentException("'" + uri + "' names a prefix (it ends in '/'), not an object");
        }
        return new Location(location.substring(0, slash), location.substring(slash + 1));
    }

    /** A bucket and the key of one object in it. */
    public record Location(String bucket, String key) {

        public Location {
            if (bucket == null || bucket.isBlank() || bucket.contains("/")) {
                throw new IllegalArgumentException("a bucket name is required and has no '/', got '" + bucket + "'");
            }
            if (key == null || key.isEmpty() || key.startsWith("/")) {
                throw new IllegalArgumentException(
                        "an object key is required and does not start with '/', got '" + key + "'");
            }
        }

        /** {@code s3://bucket/key}. */
        public String uri() {
            return SCHEME + bucket + "/" + key;
        }

        @Override
        public String toString() {
            return uri();
        }
    }
}
