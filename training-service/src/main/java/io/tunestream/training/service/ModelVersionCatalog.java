package io.tunestream.training.service;

import com.fasterxml.jackson.core.type.TypeReference;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.EventJson;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.training.KnownModelVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Map;

/**
 * The model versions this service can start training from, as announced on {@code tunestream.model-versions}: each
 * version's checkpoint ({@code artifact}, with every file's sha256) and which version holds {@code production}.
 */
@ApplicationScoped
public class ModelVersionCatalog {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    /** A version to start from: its number and its files. */
    public record BaseModel(int version, ArtifactRef artifact) {}

    /** Records the event's version (idempotent: a redelivery changes nothing). */
    @Transactional
    public void record(ModelVersionEvent event) {
        String key = KnownModelVersion.key(event.model(), event.version());
        if (event.changesProduction()) {
            KnownModelVersion.update("production = false where model = ?1 and id <> ?2", event.model(), key);
        }
        KnownModelVersion known = KnownModelVersion.findById(key);
        boolean isNew = known == null;
        if (isNew) {
            known = new KnownModelVersion();
            known.id = key;
            known.model = event.model();
            known.version = event.version();
        }
        known.artifact = EventJson.mapper().convertValue(event.artifact(), MAP);
        known.updatedAt = Instant.now();
        if (event.changesProduction()) {
            known.production = true;
        }
        if (isNew) {
            known.persist();
        }
    }

    /**
     * The version to start from: {@code version} when given, else the one holding {@code production}.
     *
     * @throws InvalidJobException when no such version was announced
     */
    public BaseModel resolve(String model, Integer version) {
        return QuarkusTransaction.requiringNew().call(() -> {
            KnownModelVersion known = version != null
                    ? KnownModelVersion.findById(KnownModelVersion.key(model, version))
                    : KnownModelVersion.<KnownModelVersion>find("model = ?1 and production = true", model)
                            .firstResult();
            if (known == null) {
                throw new InvalidJobException((version != null
                                ? "model " + model + " version " + version + " was never announced"
                                : "no production version of model " + model + " was announced")
                        + " on tunestream.model-versions; register it with the registry-service first");
            }
            return new BaseModel(known.version, EventJson.mapper().convertValue(known.artifact, ArtifactRef.class));
        });
    }
}
