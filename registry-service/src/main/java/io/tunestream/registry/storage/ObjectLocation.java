package io.tunestream.registry.storage;

/** A bucket and key parsed from an {@code s3://bucket/key} URI. */
public record ObjectLocation(String bucket, String key) {

    private static final String SCHEME = "s3://";

    public static ObjectLocation parse(String uri) {
        if (uri == null || !uri.startsWith(SCHEME)) {
            throw new ArtifactRejectedException("'" + uri + "' is not an s3://bucket/key URI");
        }
        String location = uri.substring(SCHEME.length());
        int slash = location.indexOf('/');
        if (slash <= 0 || slash == location.length() - 1) {
            throw new ArtifactRejectedException("'" + uri + "' is not an s3://bucket/key URI");
        }
        return new ObjectLocation(location.substring(0, slash), location.substring(slash + 1));
    }

    public String uri() {
        return SCHEME + bucket + "/" + key;
    }
}
