package io.tunestream.registry.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.tunestream.registry.Alias;
import io.tunestream.registry.ModelAlias;
import io.tunestream.registry.RegisteredModel;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class ModelAliasRepository implements PanacheRepository<ModelAlias> {

    public Optional<ModelAlias> findAlias(RegisteredModel model, Alias alias) {
        return find("model = ?1 and alias = ?2", model, alias).firstResultOptional();
    }

    public List<ModelAlias> listOf(RegisteredModel model) {
        return list("model = ?1 order by alias", model);
    }
}
