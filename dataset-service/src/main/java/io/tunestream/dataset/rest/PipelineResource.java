package io.tunestream.dataset.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.tunestream.dataset.Pipeline;
import io.tunestream.dataset.RecipeConverter;
import io.tunestream.dataset.service.PipelineService;
import io.tunestream.dataset.service.PromptDispatcher;
import io.tunestream.dataset.service.SamplingJson;
import io.tunestream.dataset.service.SealingService;
import io.tunestream.dataset.service.TrainingJson;
import io.tunestream.events.EventJson;
import io.tunestream.events.SamplingParameters;
import io.tunestream.platform.problem.ConflictException;
import io.tunestream.platform.problem.InvalidRequestException;
import io.tunestream.platform.rest.StrictBody;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

@Path("/pipelines")
@Produces(MediaType.APPLICATION_JSON)
public class PipelineResource {

    private static final String INCLUDE_GREEDY = "includeGreedy";
    private static final TypeReference<LinkedHashMap<String, Object>> TRAINING = new TypeReference<>() {};

    private final PipelineService pipelines;
    private final SealingService sealing;
    private final PromptDispatcher dispatcher;

    public PipelineResource(PipelineService pipelines, SealingService sealing, PromptDispatcher dispatcher) {
        this.pipelines = pipelines;
        this.sealing = sealing;
        this.dispatcher = dispatcher;
    }

    /**
     * @param sampling how prompts are answered: the event's {@code SamplingParameters} ({@code n} answers sampled per
     *     prompt) plus {@code includeGreedy} (one greedy answer besides them, first)
     * @param trigger when to seal: {@code everyNew} outcomes of a round (dpo) or samples (sft, pretrain), and/or a
     *     time {@code window} (ISO-8601, e.g. {@code PT1H}); a seal can always be asked for explicitly
     * @param roundCap the most prompts one dpo round publishes
     * @param training the training recipe, a JSON object passed as-is as every version's hyperparameters
     * @param minPairs leftovers of a finished round with fewer pairs are superseded instead of sealed (default 32)
     */
    public record CreatePipelineRequest(
            String name,
            String dataset,
            String model,
            String recipe,
            JsonNode sampling,
            Trigger trigger,
            Integer roundCap,
            JsonNode training,
            Integer minPairs) {}

    public record Trigger(Integer everyNew, String window) {}

    /**
     * @param sampling the stored sampling parameters with {@code includeGreedy}
     * @param training the training recipe, {@code {}} when the trainer's defaults apply
     * @param outcomes {@code pairs} (usable), {@code superseded} (pairs of finished rounds kept out of training) and
     *     {@code dropped.<reason>}, disjoint
     * @param waitingPairs pairs no version holds yet (not superseded): fewer than a trigger, or held back because a
     *     train or eval split would be empty
     */
    public record PipelineResponse(
            String name,
            String dataset,
            String model,
            String recipe,
            JsonNode sampling,
            Integer sealEveryNew,
            String sealWindow,
            Integer roundCap,
            int minPairs,
            Map<String, Object> training,
            int round,
            Integer modelVersion,
            Instant roundStartedAt,
            Instant lastSealedAt,
            long prompts,
            long promptsPublished,
            Map<String, Long> outcomes,
            long waitingPairs) {

        static PipelineResponse of(PipelineService.PipelineView view) {
            Pipeline pipeline = view.pipeline();
            ObjectNode sampling = EventJson.mapper().valueToTree(SamplingJson.read(pipeline.sampling));
            sampling.put(INCLUDE_GREEDY, pipeline.includeGreedy);
            return new PipelineResponse(
                    pipeline.name,
                    view.dataset(),
                    pipeline.model,
                    RecipeConverter.label(pipeline.recipe),
                    sampling,
                    pipeline.sealEvery,
                    pipeline.sealWindowSeconds == null
                            ? null
                            : Duration.ofSeconds(pipeline.sealWindowSeconds).toString(),
                    pipeline.roundCap,
                    pipeline.minPairs,
                    TrainingJson.read(pipeline.training),
                    pipeline.currentRound,
                    pipeline.currentModelVersion,
                    pipeline.roundStartedAt,
                    pipeline.lastSealedAt,
                    view.prompts(),
                    view.promptsPublished(),
                    view.outcomes(),
                    view.waitingPairs());
        }
    }

    public record SealResponse(String pipeline, List<Integer> versions) {}

    public record ResendResponse(String pipeline, int resent) {}

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictBody.class)
    public Response create(CreatePipelineRequest request) {
        if (request == null) {
            throw new InvalidRequestException("send {\"name\", \"dataset\", \"model\", \"recipe\", \"sampling\","
                    + " \"trigger\": {\"everyNew\", \"window\"}, \"roundCap\", \"training\", \"minPairs\"}");
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
        SamplingParameters sampling = null;
        Boolean includeGreedy = null;
        if (request.sampling() != null && !request.sampling().isNull()) {
            if (!request.sampling().isObject()) {
                throw new InvalidRequestException("sampling must be a JSON object, e.g. {\"temperature\": 0.7,"
                        + " \"maxTokens\": 64, \"n\": 4, \"includeGreedy\": true}");
            }
            ObjectNode fields = ((ObjectNode) request.sampling()).deepCopy();
            JsonNode greedy = fields.remove(INCLUDE_GREEDY);
            if (greedy != null && !greedy.isNull()) {
                if (!greedy.isBoolean()) {
                    throw new InvalidRequestException("sampling.includeGreedy must be true or false, got " + greedy);
                }
                includeGreedy = greedy.booleanValue();
            }
            try {
                sampling = EventJson.mapper().treeToValue(fields, SamplingParameters.class);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw new InvalidRequestException("sampling: " + rootMessage(e));
            }
        }
        Map<String, Object> training = null;
        if (request.training() != null && !request.training().isNull()) {
            if (!request.training().isObject()) {
                throw new InvalidRequestException("training must be a JSON object of training hyperparameters, e.g."
                        + " {\"lossType\": \"sigmoid\", \"beta\": 0.1, \"learningRate\": 3e-5}; got "
                        + request.training().getNodeType().name().toLowerCase(Locale.ROOT));
            }
            training = EventJson.mapper().convertValue(request.training(), TRAINING);
        }
        PipelineService.PipelineView view = pipelines.create(new PipelineService.PipelineSpec(
                request.name(),
                request.dataset(),
                request.model(),
                request.recipe(),
                sampling,
                includeGreedy,
                request.trigger() == null ? null : request.trigger().everyNew(),
                window,
                request.roundCap(),
                training,
                request.minPairs()));
        return Response.created(URI.create("/pipelines/" + view.pipeline().name))
                .entity(PipelineResponse.of(view))
                .build();
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

    /**
     * Seals what the pipeline made since its last version: 201 with the new version numbers, 409 when nothing can be
     * sealed (nothing new, or a dpo round whose train or eval split would be empty).
     */
    @POST
    @Path("{name}/seal")
    public Response seal(@PathParam("name") String name) {
        Pipeline pipeline = pipelines.find(name);
        List<Integer> sealed = sealing.seal(pipeline.id);
        if (sealed.isEmpty()) {
            throw new ConflictException("pipeline '" + name + "' has nothing it can seal: nothing new, or the waiting"
                    + " pairs would leave the train or the eval split empty");
        }
        return Response.status(Response.Status.CREATED)
                .entity(new SealResponse(name, sealed))
                .build();
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? e.getMessage() : cause.getMessage();
    }

    /** Sends again every prompt of the current round that has no generation yet. */
    @POST
    @Path("{name}/prompts/resend")
    public ResendResponse resend(@PathParam("name") String name) {
        Pipeline pipeline = pipelines.find(name);
        return new ResendResponse(name, dispatcher.resendUnanswered(pipeline.id, Instant.now()));
    }
}
