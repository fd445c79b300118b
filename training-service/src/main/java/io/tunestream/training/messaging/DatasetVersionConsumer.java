package io.tunestream.training.messaging;

import io.smallrye.common.annotation.Blocking;
import io.tunestream.events.Channels;
import io.tunestream.events.DatasetVersionEvent;
import io.tunestream.events.kafka.IncomingEvents;
import io.tunestream.training.service.JobService;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code tunestream.dataset-versions}: each sealed dataset version becomes one QUEUED job (idempotent on
 * dataset, version and recipe) with the event's hyperparameters, or a FAILED one saying why when they do not resolve
 * (the record is consumed: the pipeline's recipe is wrong, not the record). Only a row is written here; training runs on the runner's thread, so this poll loop
 * never waits for it. A record that fails (not an event, no model to train) is nacked and the channel's
 * dead-letter-queue strategy writes it as received to {@code <prefix>.dataset-versions.dlq} with the reason.
 */
@ApplicationScoped
public class DatasetVersionConsumer {

    private final JobService jobs;

    public DatasetVersionConsumer(JobService jobs) {
        this.jobs = jobs;
    }

    @Incoming(Channels.DATASET_VERSIONS)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        jobs.createFromEvent(IncomingEvents.read(record, DatasetVersionEvent.class));
    }
}
