package io.tunestream.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * A directory of objects that belong together, such as a Hugging Face checkpoint or a PEFT adapter: the URI of the
 * prefix ({@code s3://bucket/models/qa/3/}) and every file in it with its sha256.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ArtifactRef(String uri, List<ObjectRef> files) {

    public ArtifactRef {
        EventValidation.requireText(uri, "ArtifactRef", "uri");
        if (!uri.startsWith("s3://") || !uri.endsWith("/")) {
            throw new IllegalArgumentException(
                    "ArtifactRef.uri must be an s3://bucket/prefix/ URI ending in '/', got '" + uri + "'");
        }
        files = List.copyOf(EventValidation.requireValue(files, "ArtifactRef", "files"));
        for (ObjectRef file : files) {
            if (!file.uri().startsWith(uri)) {
                throw new IllegalArgumentException(
                        "ArtifactRef.files: '" + file.uri() + "' is not under '" + uri + "'");
            }
        }
    }

    /** The path of {@code file} under this prefix, e.g. {@code tokenizer/vocab.json}; see {@link #relativePath(String, String)}. */
    public String relativePath(ObjectRef file) {
        return relativePath(uri, file.uri());
    }

    /**
     * The path of {@code fileUri} under {@code prefixUri}, for placing the file in a local directory or under another
     * prefix.
     *
     * @throws IllegalArgumentException when the file is not under the prefix, or its path is empty, absolute or has a
     *     '.' or '..' segment (it would leave the directory it is placed in)
     */
    public static String relativePath(String prefixUri, String fileUri) {
        if (!fileUri.startsWith(prefixUri)) {
            throw new IllegalArgumentException(fileUri + " is not under " + prefixUri);
        }
        String relative = fileUri.substring(prefixUri.length());
        List<String> segments = List.of(relative.split("/"));
        if (relative.isEmpty() || relative.startsWith("/") || segments.contains("..") || segments.contains(".")) {
            throw new IllegalArgumentException(fileUri + " has no safe relative path under " + prefixUri);
        }
        return relative;
    }
}
