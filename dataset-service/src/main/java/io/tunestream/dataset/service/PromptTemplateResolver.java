package io.tunestream.dataset.service;

import io.tunestream.dataset.config.DatasetConfig;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.EventJson;
import io.tunestream.events.ObjectRef;
import io.tunestream.llm.prompt.PromptTemplate;
import io.tunestream.llm.prompt.PromptTemplates;
import io.tunestream.llm.tokenizer.Tokenizer;
import io.tunestream.platform.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The prompt template of a model version: the chat template of its tokenizer files in object storage (downloaded,
 * sha256 verified, read by the engine's {@link Tokenizer} as the generation and training services read them), or the
 * configured built-in fallback when the version lists no tokenizer. Versions are immutable, so each is resolved once.
 */
@ApplicationScoped
public class PromptTemplateResolver {

    /** The files that decide the template and its special tokens; the weights are not needed. */
    static final Set<String> TOKENIZER_FILES = Set.of(
            "tokenizer.json", "tokenizer_config.json", "chat_template.jinja", "generation_config.json", "config.json");

    private static final String TOKENIZER_JSON = "tokenizer.json";

    private final ObjectStore objectStore;
    private final String fallbackTemplate;
    private final Map<String, PromptTemplate> resolved = new ConcurrentHashMap<>();

    public PromptTemplateResolver(ObjectStore objectStore, DatasetConfig config) {
        this.objectStore = objectStore;
        this.fallbackTemplate = config.prompts().fallbackTemplate();
        // Fails at start, not at the first prompt, when the fallback is misspelt.
        PromptTemplates.named(fallbackTemplate);
    }

    /** @param artifactJson the version's {@link ArtifactRef} as JSON */
    public PromptTemplate templateFor(String model, int version, String artifactJson) {
        return resolved.computeIfAbsent(model + "/" + version, key -> resolve(artifactJson));
    }

    private PromptTemplate resolve(String artifactJson) {
        ArtifactRef artifact;
        try {
            artifact = EventJson.mapper().readValue(artifactJson, ArtifactRef.class);
        } catch (IOException e) {
            throw new IllegalStateException("stored artifact is not an ArtifactRef: " + e.getMessage(), e);
        }
        boolean hasTokenizer =
                artifact.files().stream().anyMatch(file -> fileName(file).equals(TOKENIZER_JSON));
        if (!hasTokenizer) {
            return PromptTemplates.named(fallbackTemplate);
        }
        Path directory = null;
        try {
            directory = Files.createTempDirectory("tokenizer-");
            for (ObjectRef file : artifact.files()) {
                if (TOKENIZER_FILES.contains(fileName(file))) {
                    objectStore.download(file, directory.resolve(fileName(file)));
                }
            }
            try (Tokenizer tokenizer = Tokenizer.load(directory)) {
                return PromptTemplates.forTokenizer(tokenizer, fallbackTemplate);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot fetch the tokenizer of " + artifact.uri() + ": " + e.getMessage(), e);
        } finally {
            deleteRecursively(directory);
        }
    }

    private static String fileName(ObjectRef file) {
        return file.uri().substring(file.uri().lastIndexOf('/') + 1);
    }

    private static void deleteRecursively(Path directory) {
        if (directory == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }
}
