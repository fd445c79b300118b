package io.tunestream.gateway.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.tunestream.gateway.ApiKey;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class ApiKeyRepository implements PanacheRepository<ApiKey> {

    public Optional<ApiKey> findByHash(String keyHash) {
        return find("keyHash", keyHash).firstResultOptional();
    }

    public List<ApiKey> listNewestFirst() {
        return list("order by createdAt desc, id desc");
    }

    /**
     * Records a use without loading the entity; the condition skips the write when a recent use was recorded already,
     * so a busy key costs one row update per interval, not one per request.
     */
    public void touch(long id, Instant now, Instant notAfter) {
        update("lastUsedAt = ?1 where id = ?2 and (lastUsedAt is null or lastUsedAt < ?3)", now, id, notAfter);
    }
}
