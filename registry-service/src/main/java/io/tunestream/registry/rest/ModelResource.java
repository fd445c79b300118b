package io.tunestream.registry.rest;

import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.tunestream.events.GateDecision.EvaluationSet;
import io.tunestream.platform.problem.InvalidRequestException;
import io.tunestream.platform.rest.StrictBody;
import io.tunestream.registry.Alias;
import io.tunestream.registry.ModelAlias;
import io.tunestream.registry.ModelVersion;
import io.tunestream.registry.PromotionMode;
import io.tunestream.registry.RegisteredModel;
import io.tunestream.registry.config.RegistryConfig;
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
import io.tunestream.registry.service.ModelService;
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

/**
 * Models, their versions, aliases, metrics, lineage and promotion policy. Reads go through {@link ModelService}, changes
 * through {@link AliasService}, each answered with what the registry holds after the change.
 */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ModelResource {

    private final ModelService models;
    private final AliasService aliasService;
    private final RegistryConfig config;

    public ModelResource(ModelService models, AliasService aliasService, RegistryConfig config) {
        this.models = models;
        this.aliasService = aliasService;
        this.config = config;
    }

    @GET
    public List<ModelResponse> list() {
        return models.models().stream().map(this::toResponse).toList();
    }

    @GET
    @Path("{model}")
    public ModelResponse get(@RestPath String model) {
        return toResponse(models.model(model));
    }

    /** Every version, ready or still being registered, in version order. */
    @GET
    @Path("{model}/versions")
    public List<VersionResponse> versions(@RestPath String model) {
        RegisteredModel found = models.model(model);
        List<ModelAlias> held = models.aliases(found);
        return models.versions(found).stream()
                .map(version -> RegistryMapper.version(version, held))
                .toList();
    }

    @GET
    @Path("{model}/versions/{version}")
    public VersionResponse version(@RestPath String model, @RestPath int version) {
        RegisteredModel found = models.model(model);
        return RegistryMapper.version(models.version(found, version), models.aliases(found));
    }

    @GET
    @Path("{model}/versions/{version}/metrics")
    public MetricsResponse metrics(@RestPath String model, @RestPath int version) {
        return RegistryMapper.metrics(models.version(models.model(model), version));
    }

    /** The metrics of every ready version, to compare them. */
    @GET
    @Path("{model}/metrics")
    public List<MetricsResponse> allMetrics(@RestPath String model) {
        return models.readyVersions(models.model(model)).stream()
                .map(RegistryMapper::metrics)
                .toList();
    }

    /** The model's whole lineage graph. */
    @GET
    @Path("{model}/lineage")
    public LineageGraph lineage(@RestPath String model) {
        RegisteredModel found = models.model(model);
        return LineageGraphs.of(found.name, models.readyVersions(found), models.aliases(found));
    }

    /** One version's ancestry: its parents back to the base model, with the dataset versions each was trained on. */
    @GET
    @Path("{model}/versions/{version}/lineage")
    public LineageGraph versionLineage(@RestPath String model, @RestPath int version) {
        RegisteredModel found = models.model(model);
        return LineageGraphs.ancestry(
                found.name, models.version(found, version), models.readyVersions(found), models.aliases(found));
    }

    @GET
    @Path("{model}/aliases")
    public List<AliasResponse> aliases(@RestPath String model) {
        return models.aliases(models.model(model)).stream()
                .map(RegistryMapper::alias)
                .toList();
    }

    @GET
    @Path("{model}/aliases/{alias}")
    public AliasResponse alias(@RestPath String model, @RestPath String alias) {
        return RegistryMapper.alias(models.alias(models.model(model), alias(alias)));
    }

    /** The alias's moves, latest first. */
    @GET
    @Path("{model}/aliases/{alias}/history")
    public List<AliasChangeResponse> aliasHistory(@RestPath String model, @RestPath String alias) {
        return models.aliasHistory(models.model(model), alias(alias)).stream()
                .map(RegistryMapper::aliasChange)
                .toList();
    }

    /**
     * Points an alias ({@code production} unless the body names {@code candidate}) at this version; the body is
     * optional ({@code curl -X POST .../models/qa/versions/3/promote}).
     */
    @POST
    @Path("{model}/versions/{version}/promote")
    @CustomDeserialization(StrictBody.class)
    public VersionResponse promote(@RestPath String model, @RestPath int version, PromoteRequest request) {
        Alias alias = request == null || request.alias() == null ? Alias.PRODUCTION : alias(request.alias());
        aliasService.promote(model, version, alias, request == null ? null : request.reason());
        return version(model, version);
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
    @CustomDeserialization(StrictBody.class)
    public VersionResponse rollBack(@RestPath String model, RollbackRequest request) {
        ModelVersion target = aliasService.rollBack(
                model, request == null ? null : request.version(), request == null ? null : request.reason());
        return version(model, target.version);
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
        return RegistryMapper.policy(models.model(model));
    }

    /**
     * {@code {"mode": "automatic", "margin": 0.0, "evaluationSet": {"dataset": "tasks-eval", "version": 1}, "alpha":
     * 0.05, "familyTolerance": 0.02}}; applies to candidates registered from now on. The body replaces the policy: a
     * field left out takes its default (margin 0, no evaluation set, alpha and tolerance from the configuration).
     */
    @PUT
    @Path("{model}/policy")
    @CustomDeserialization(StrictBody.class)
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
            throw new InvalidRequestException(
                    "policy.mode '" + policy.mode() + "' is unknown; expected 'manual' or" + " 'automatic'");
        }
        double margin = policy.margin() == null ? 0.0 : policy.margin();
        double alpha = policy.alpha() == null ? config.promotion().defaultAlpha() : policy.alpha();
        double tolerance = policy.familyTolerance() == null
                ? config.promotion().defaultFamilyTolerance()
                : policy.familyTolerance();
        return RegistryMapper.policy(aliasService.updatePolicy(
                model, mode, margin, evaluationSet(policy.evaluationSet()), alpha, tolerance));
    }

    /** The body's evaluation set, checked field by field; null when the body names none. */
    private static EvaluationSet evaluationSet(EvaluationSetBody body) {
        if (body == null) {
            return null;
        }
        if (body.dataset() == null || body.dataset().isBlank()) {
            throw new InvalidRequestException(
                    "policy.evaluationSet.dataset is required: the name of a dataset of kind" + " 'eval'");
        }
        if (body.dataset().length() > 200) {
            throw new InvalidRequestException("policy.evaluationSet.dataset must be at most 200 characters, got "
                    + body.dataset().length());
        }
        if (body.version() == null || body.version() < 1) {
            throw new InvalidRequestException(
                    "policy.evaluationSet.version must be a sealed version number >= 1, got " + body.version());
        }
        return new EvaluationSet(body.dataset(), body.version());
    }

    private ModelResponse toResponse(RegisteredModel model) {
        return RegistryMapper.model(model, models.versions(model).size(), models.aliases(model));
    }

    private static Alias alias(String label) {
        try {
            return Alias.of(label);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }
}
