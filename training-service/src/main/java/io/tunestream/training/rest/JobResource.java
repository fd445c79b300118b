package io.tunestream.training.rest;

import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.tunestream.platform.problem.InvalidRequestException;
import io.tunestream.platform.rest.StrictBody;
import io.tunestream.training.config.TrainingConfig;
import io.tunestream.training.rest.JobDtos.JobView;
import io.tunestream.training.rest.JobDtos.MetricView;
import io.tunestream.training.rest.JobDtos.SubmitJobRequest;
import io.tunestream.training.service.InvalidJobException;
import io.tunestream.training.service.JobService;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** Training jobs: submit, list, read, their per-step metrics, cancel. */
@Path("/jobs")
public class JobResource {

    private final JobService service;
    private final Duration progressInterval;

    /** The most jobs one list answers. */
    private static final int MAX_LIMIT = 1000;

    public JobResource(JobService service, TrainingConfig config) {
        this.service = service;
        this.progressInterval = config.progressInterval();
    }

    /**
     * Queues a job over a sealed dataset version (its files and lineage are read from its {@code manifest.json}); 201
     * with the new job, or 200 with the existing one when the dataset version already has a job for this recipe.
     */
    @POST
    @CustomDeserialization(StrictBody.class)
    public Response submit(SubmitJobRequest request) {
        if (request == null) {
            throw new InvalidJobException("a JSON body with dataset, version and recipe is required");
        }
        JobService.Queued queued = service.submit(new JobService.Submission(
                request.dataset(),
                request.version(),
                request.recipe(),
                request.model(),
                request.baseModelVersion(),
                request.hyperparameters()));
        return Response.status(queued.created() ? Response.Status.CREATED : Response.Status.OK)
                .location(URI.create("/jobs/" + queued.job().id))
                .entity(JobView.of(queued.job()))
                .build();
    }

    /** The newest jobs first. */
    @GET
    public List<JobView> list(@QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        return service.newestFirst(limit).stream().map(JobView::of).toList();
    }

    @GET
    @Path("/{id}")
    public JobView get(@PathParam("id") String id) {
        return JobView.of(service.job(id));
    }

    /** Every recorded step, in order. */
    @GET
    @Path("/{id}/metrics")
    public List<MetricView> metrics(@PathParam("id") String id) {
        return service.metrics(id).stream().map(MetricView::of).toList();
    }

    /**
     * Live progress as server-sent events: the job as JSON now, then each time its state or step changes (checked every
     * {@code tunestream.training.progress-interval}); the stream ends after the event that shows a final state. An
     * unknown job is answered 404 before the stream starts (the method runs on a worker thread, so it can look first).
     */
    @GET
    @Path("/{id}/progress")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Blocking
    public Multi<JobView> progress(@PathParam("id") String id) {
        service.job(id);
        // Each look at the database runs on a worker thread, never on the event loop that writes the stream.
        return Multi.createBy()
                .repeating()
                .uni(() -> Uni.createFrom()
                        .item(() -> JobView.of(service.job(id)))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .withDelay(progressInterval)
                .whilst(view -> !view.state().isFinal())
                .select()
                .distinct(view -> view.state() + "@" + view.step() + "/" + view.attempts());
    }

    /** Cancels a QUEUED or RUNNING job (a running one stops at its next step); 409 for a job that already ended. */
    @POST
    @Path("/{id}/cancel")
    public JobView cancel(@PathParam("id") String id) {
        return JobView.of(service.cancel(id));
    }
}
