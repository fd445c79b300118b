package io.tunestream.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One object in object storage, named by URI ({@code s3://bucket/key}) with the sha256 of its content, so that a
 * reader verifies what it downloaded.
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
}
