package io.tunestream.dataset.rest;

import io.tunestream.dataset.Pipeline;
import io.tunestream.dataset.RecipeConverter;
import io.tunestream.dataset.service.ConflictException;
import io.tunestream.dataset.service.InvalidRequestException;
import io.tunestream.dataset.service.PipelineService;
import io.tunestream.dataset.service.PromptDispatcher;
import io.tunestream.dataset.service.SamplingJson;
import io.tunestream.dataset.service.SealingService;
import io.tunestream.events.SamplingParameters;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

@Path("/pipelines")
@Produces(MediaType.APPLICATION_JSON)
public class PipelineResource {

    private final PipelineService pipelines;
    private final SealingService sealing;
    private final PromptDispatcher dispatcher;

    public PipelineResource(PipelineService pipelines, SealingService sealing, PromptDispatcher dispatcher) {
        this.pipelines = pipelines;
        this.sealing = sealing;
        this.dispatcher = dispatcher;
    }

    /**
     * @param trigger when to seal: {@code everyNew} pairs (dpo) or samples (sft, pretrain), and/or a time
     *     {@code window} (ISO-8601, e.g. {@code PT1H}); a seal can always be asked for explicitly
     * @param roundCap the most prompts one dpo round publishes
     */
    public record CreatePipelineRequest(String name, String dataset, String model, String recipe,
            SamplingParameters sampling, Trigger trigger, Integer roundCap) {
    }

    public record Trigger(Integer everyNew, String window) {
    }

    public record PipelineResponse(String name, String dataset, String model, String recipe, SamplingParameters sampling,
            Integer sealEveryNew, String sealWindow, Integer roundCap, int round, Integer modelVersion,
            Instant roundStartedAt, Instant lastSealedAt, long prompts, long promptsPublished, Map<String, Long> outcomes) {

        static PipelineResponse of(PipelineService.PipelineView view) {
            Pipeline pipeline = view.pipeline();
            return new PipelineResponse(pipeline.name, view.dataset(), pipeline.model,
                    RecipeConverter.label(pipeline.recipe), SamplingJson.read(pipeline.sampling),
                    pipeline.sealEvery,
                    pipeline.sealWindowSeconds == null ? null : Duration.ofSeconds(pipeline.sealWindowSeconds).toString(),
                    pipeline.roundCap, pipeline.currentRound, pipeline.currentModelVersion, pipeline.roundStartedAt,
                    pipeline.lastSealedAt, view.prompts(), view.promptsPublished(), view.outcomes());
        }
    }

    public record SealResponse(String pipeline, List<Integer> versions) {
    }

    public record ResendResponse(String pipeline, int resent) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(CreatePipelineRequest request) {
        if (request == null) {
            throw new InvalidRequestException("send {\"name\", \"dataset\", \"model\", \"recipe\", \"sampling\","
                    + " \"trigger\": {\"everyNew\", \"window\"}, \"roundCap\"}");
        }
        Duration window = null;
        if (request.trigger() != null && request.trigger().window() != null) {
            try {
                window = Duration.parse(request.trigger().window());
            } catch (DateTimeParseException e) {
                throw new InvalidRequestException("trigger.window must be an ISO-8601 duration such as PT30M, got '"
                        + request.trigger().window() + "'");
            }
        }
        PipelineService.PipelineView view = pipelines.create(new PipelineService.PipelineSpec(request.name(),
                request.dataset(), request.model(), request.recipe(), request.sampling(),
                request.trigger() == null ? null : request.trigger().everyNew(), window, request.roundCap()));
        return Response.created(URI.create("/pipelines/" + view.pipeline().name))
                .entity(PipelineResponse.of(view)).build();
    }

    @GET
    public List<PipelineResponse> list() {
        return pipelines.list().stream().map(PipelineResponse::of).toList();
    }

    @GET
    @Path("{name}")
    public PipelineResponse get(@PathParam("name") String name) {
        return PipelineResponse.of(pipelines.get(name));
    }

    /** Seals what the pipeline made since its last version: 201 with the new version numbers, 409 when nothing. */
    @POST
    @Path("{name}/seal")
    public Response seal(@PathParam("name") String name) {
        Pipeline pipeline = pipelines.find(name);
        List<Integer> sealed = sealing.seal(pipeline.id);
        if (sealed.isEmpty()) {
            throw new ConflictException("pipeline '" + name + "' has nothing new to seal");
        }
        return Response.status(Response.Status.CREATED).entity(new SealResponse(name, sealed)).build();
    }

    /** Sends again every prompt of the current round that has no generation yet. */
    @POST
    @Path("{name}/prompts/resend")
    public ResendResponse resend(@PathParam("name") String name) {
        Pipeline pipeline = pipelines.find(name);
        return new ResendResponse(name, dispatcher.resendUnanswered(pipeline.id, Instant.now()));
    }
}
