package io.tunestream.registry.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.tunestream.registry.Alias;
import io.tunestream.registry.AliasChange;
import io.tunestream.registry.RegisteredModel;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class AliasChangeRepository implements PanacheRepository<AliasChange> {

    /** The alias's moves, latest first. */
    public List<AliasChange> historyOf(RegisteredModel model, Alias alias) {
        return list("model = ?1 and alias = ?2 order by id desc", model, alias);
    }
}
