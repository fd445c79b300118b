package io.tunestream.registry.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.tunestream.registry.OutboxEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class OutboxEventRepository implements PanacheRepository<OutboxEvent> {

    /** Unsent events in the order their changes committed (their positions). */
    public List<OutboxEvent> oldestUnpublished(int limit) {
        return find("publishedAt is null order by position").page(0, limit).list();
    }

    public long countUnpublished() {
        return count("publishedAt is null");
    }
}
