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
            throw new IllegalArgumentException("ArtifactRef.uri must be an s3://bucket/prefix/ URI ending in '/', got '" + uri + "'");
        }
        files = List.copyOf(EventValidation.requireValue(files, "ArtifactRef", "files"));
        for (ObjectRef file : files) {
            if (!file.uri().startsWith(uri)) {
                throw new IllegalArgumentException("ArtifactRef.files: '" + file.uri() + "' is not under '" + uri + "'");
            }
        }
    }
}
