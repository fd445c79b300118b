package io.tunestream.registry.rest;

import io.tunestream.events.GateDecision.EvaluationSet;
import io.tunestream.registry.Alias;
import io.tunestream.registry.ModelAlias;
import io.tunestream.registry.ModelVersion;
import io.tunestream.registry.PromotionMode;
import io.tunestream.registry.RegisteredModel;
import io.tunestream.registry.VersionState;
import io.tunestream.registry.config.RegistryConfig;
import io.tunestream.registry.repository.AliasChangeRepository;
import io.tunestream.registry.repository.ModelAliasRepository;
import io.tunestream.registry.repository.ModelRepository;
import io.tunestream.registry.repository.ModelVersionRepository;
import io.tunestream.registry.rest.RegistryDtos.AliasChangeResponse;
import io.tunestream.registry.rest.RegistryDtos.AliasResponse;
import io.tunestream.registry.rest.RegistryDtos.EvaluationSetBody;
import io.tunestream.registry.rest.RegistryDtos.LineageGraph;
import io.tunestream.registry.rest.RegistryDtos.MetricsResponse;
import io.tunestream.registry.rest.RegistryDtos.ModelResponse;
import io.tunestream.registry.rest.RegistryDtos.PolicyBody;
import io.tunestream.registry.rest.RegistryDtos.PromoteRequest;
import io.tunestream.registry.rest.RegistryDtos.RollbackRequest;
import io.tunestream.registry.rest.RegistryDtos.VersionResponse;
import io.tunestream.registry.service.AliasService;
import io.tunestream.registry.service.InvalidRequestException;
import io.tunestream.registry.service.RegistryNotFoundException;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Locale;
import org.jboss.resteasy.reactive.RestPath;

/** Models, their versions, aliases, metrics, lineage and promotion policy. */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Transactional
public class ModelResource {

    private final ModelRepository models;
    private final ModelVersionRepository versions;
    private final ModelAliasRepository aliases;
    private final AliasChangeRepository aliasHistory;
    private final AliasService aliasService;
    private final RegistryConfig config;

    public ModelResource(ModelRepository models, ModelVersionRepository versions, ModelAliasRepository aliases,
            AliasChangeRepository aliasHistory, AliasService aliasService, RegistryConfig config) {
        this.models = models;
        this.versions = versions;
        this.aliases = aliases;
        this.aliasHistory = aliasHistory;
        this.aliasService = aliasService;
        this.config = config;
    }

    @GET
    public List<ModelResponse> list() {
        return models.listByName().stream().map(this::toResponse).toList();
    }

    @GET
    @Path("{model}")
    public ModelResponse get(@RestPath String model) {
        return toResponse(model(model));
    }

    /** Every version, ready or still being registered, in version order. */
    @GET
    @Path("{model}/versions")
    public List<VersionResponse> versions(@RestPath String model) {
        RegisteredModel found = model(model);
        List<ModelAlias> held = aliases.listOf(found);
        return versions.listOf(found).stream().map(version -> RegistryMapper.version(version, held)).toList();
    }

    @GET
    @Path("{model}/versions/{version}")
    public VersionResponse version(@RestPath String model, @RestPath int version) {
        RegisteredModel found = model(model);
        return RegistryMapper.version(version(found, version), aliases.listOf(found));
    }

    @GET
    @Path("{model}/versions/{version}/metrics")
    public MetricsResponse metrics(@RestPath String model, @RestPath int version) {
        return RegistryMapper.metrics(version(model(model), version));
    }

    /** The metrics of every ready version, to compare them. */
    @GET
    @Path("{model}/metrics")
    public List<MetricsResponse> allMetrics(@RestPath String model) {
        return versions.listOf(model(model)).stream().filter(version -> version.state == VersionState.READY)
                .map(RegistryMapper::metrics).toList();
    }

    /** The model's whole lineage graph. */
    @GET
    @Path("{model}/lineage")
    public LineageGraph lineage(@RestPath String model) {
        RegisteredModel found = model(model);
        return LineageGraphs.of(found.name, readyVersions(found), aliases.listOf(found));
    }

    /** One version's ancestry: its parents back to the base model, with the dataset versions each was trained on. */
    @GET
    @Path("{model}/versions/{version}/lineage")
    public LineageGraph versionLineage(@RestPath String model, @RestPath int version) {
        RegisteredModel found = model(model);
        return LineageGraphs.ancestry(found.name, version(found, version), readyVersions(found), aliases.listOf(found));
    }

    @GET
    @Path("{model}/aliases")
    public List<AliasResponse> aliases(@RestPath String model) {
        return aliases.listOf(model(model)).stream().map(RegistryMapper::alias).toList();
    }

    @GET
    @Path("{model}/aliases/{alias}")
    public AliasResponse alias(@RestPath String model, @RestPath String alias) {
        RegisteredModel found = model(model);
        Alias named = alias(alias);
        return aliases.findAlias(found, named).map(RegistryMapper::alias).orElseThrow(() -> new RegistryNotFoundException(
                "model '" + model + "' has no version under alias " + named.label()));
    }

    /** The alias's moves, latest first. */
    @GET
    @Path("{model}/aliases/{alias}/history")
    public List<AliasChangeResponse> aliasHistory(@RestPath String model, @RestPath String alias) {
        return aliasHistory.historyOf(model(model), alias(alias)).stream().map(RegistryMapper::aliasChange).toList();
    }

    /**
     * Points an alias ({@code production} unless the body names {@code candidate}) at this version; the body is
     * optional ({@code curl -X POST .../models/qa/versions/3/promote}).
     */
    @POST
    @Path("{model}/versions/{version}/promote")
    public VersionResponse promote(@RestPath String model, @RestPath int version, PromoteRequest request) {
        Alias alias = request == null || request.alias() == null ? Alias.PRODUCTION : alias(request.alias());
        ModelVersion promoted = aliasService.promote(model, version, alias, request == null ? null : request.reason());
        return RegistryMapper.version(promoted, aliases.listOf(promoted.model));
    }

    /** The same without a JSON body (any or no content type): promotes to {@code production}. */
    @POST
    @Path("{model}/versions/{version}/promote")
    @Consumes(MediaType.WILDCARD)
    public VersionResponse promoteToProduction(@RestPath String model, @RestPath int version) {
        return promote(model, version, null);
    }

    /** Points {@code production} back at an earlier version (by default the one that held it before). */
    @POST
    @Path("{model}/rollback")
    public VersionResponse rollBack(@RestPath String model, RollbackRequest request) {
        ModelVersion target = aliasService.rollBack(model, request == null ? null : request.version(),
                request == null ? null : request.reason());
        return RegistryMapper.version(target, aliases.listOf(target.model));
    }

    /** The same without a JSON body: back to the version that held production before. */
    @POST
    @Path("{model}/rollback")
    @Consumes(MediaType.WILDCARD)
    public VersionResponse rollBackToPrevious(@RestPath String model) {
        return rollBack(model, null);
    }

    @GET
    @Path("{model}/policy")
    public PolicyBody policy(@RestPath String model) {
        return RegistryMapper.policy(model(model));
    }

    /**
     * {@code {"mode": "automatic", "margin": 0.0, "evaluationSet": {"dataset": "tasks-eval", "version": 1}, "alpha":
     * 0.05, "familyTolerance": 0.02}}; applies to candidates registered from now on. The body replaces the policy: a
     * field left out takes its default (margin 0, no evaluation set, alpha and tolerance from the configuration).
     */
    @PUT
    @Path("{model}/policy")
    public PolicyBody updatePolicy(@RestPath String model, PolicyBody policy) {
        if (policy == null || policy.mode() == null) {
            throw new InvalidRequestException("policy.mode is required: the body must name the policy: {\"mode\":"
                    + " \"manual\" | \"automatic\", \"margin\": 0.01, \"evaluationSet\": {\"dataset\": \"tasks-eval\","
                    + " \"version\": 1}, \"alpha\": 0.05, \"familyTolerance\": 0.02}");
        }
        PromotionMode mode;
        try {
            mode = PromotionMode.valueOf(policy.mode().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("policy.mode '" + policy.mode() + "' is unknown; expected 'manual' or"
                    + " 'automatic'");
        }
        double margin = policy.margin() == null ? 0.0 : policy.margin();
        double alpha = policy.alpha() == null ? config.promotion().defaultAlpha() : policy.alpha();
        double tolerance = policy.familyTolerance() == null ? config.promotion().defaultFamilyTolerance()
                : policy.familyTolerance();
        return RegistryMapper.policy(aliasService.updatePolicy(model, mode, margin, evaluationSet(policy.evaluationSet()),
                alpha, tolerance));
    }

    /** The body's evaluation set, checked field by field; null when the body names none. */
    private static EvaluationSet evaluationSet(EvaluationSetBody body) {
        if (body == null) {
            return null;
        }
        if (body.dataset() == null || body.dataset().isBlank()) {
            throw new InvalidRequestException("policy.evaluationSet.dataset is required: the name of a dataset of kind"
                    + " 'eval'");
        }
        if (body.dataset().length() > 200) {
            throw new InvalidRequestException("policy.evaluationSet.dataset must be at most 200 characters, got "
                    + body.dataset().length());
        }
        if (body.version() == null || body.version() < 1) {
            throw new InvalidRequestException("policy.evaluationSet.version must be a sealed version number >= 1, got "
                    + body.version());
        }
        return new EvaluationSet(body.dataset(), body.version());
    }

    private ModelResponse toResponse(RegisteredModel model) {
        return RegistryMapper.model(model, versions.listOf(model).size(), aliases.listOf(model));
    }

    private List<ModelVersion> readyVersions(RegisteredModel model) {
        return versions.listOf(model).stream().filter(version -> version.state == VersionState.READY).toList();
    }

    private RegisteredModel model(String name) {
        return models.findByName(name).orElseThrow(() -> new RegistryNotFoundException("no model '" + name + "'"));
    }

    private ModelVersion version(RegisteredModel model, int number) {
        return versions.findVersion(model, number).orElseThrow(() -> new RegistryNotFoundException(
                "model '" + model.name + "' has no version " + number));
    }

    private static Alias alias(String label) {
        try {
            return Alias.of(label);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }
}
