package io.tunestream.training.registry;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.tunestream.training.config.TrainingConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * Reads a model's promotion policy from the registry-service ({@code GET {url}/models/{model}/policy}), with the
 * URL of {@code tunestream.training.registry.url}: unset, no policy is ever read and no job is measured on an
 * evaluation set.
 *
 * <p>Each attempt has 10 s ({@link Timeout}); a failure that may pass (the registry down or restarting, a 5xx, a timeout)
 * is retried 4 times, 1 s apart with jitter ({@link Retry}): a job that trained for minutes is worth waiting a few
 * seconds for. A refusal (a 4xx other than 404) is not retried. The call runs on the runner's thread, which is
 * allowed to block.
 */
@ApplicationScoped
public class RegistryClient {

    private final Optional<RegistryRestClient> client;

    public RegistryClient(TrainingConfig config) {
        // Built from the service's own configuration rather than quarkus.rest-client.registry.url, so that one key
        // (optional) turns the evaluation on and off.
        this.client = config.registry()
                .url()
                .map(url -> QuarkusRestClientBuilder.newBuilder()
                        .baseUri(url)
                        .connectTimeout(5, TimeUnit.SECONDS)
                        .readTimeout(10, TimeUnit.SECONDS)
                        .build(RegistryRestClient.class));
    }

    /** Whether a registry URL is configured. */
    public boolean configured() {
        return client.isPresent();
    }

    /**
     * The model's promotion policy; empty when no registry is configured or the registry knows no such model (404).
     *
     * @throws RegistryRefusedException when the registry answers another 4xx
     * @throws RuntimeException when the registry cannot be reached or fails after every retry
     */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Retry(
            maxRetries = 4,
            delay = 1,
            delayUnit = ChronoUnit.SECONDS,
            jitter = 200,
            abortOn = RegistryRefusedException.class)
    public Optional<PromotionPolicy> policy(String model) {
        if (client.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(client.get().policy(model));
        } catch (WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (status == 404) {
                return Optional.empty();
            }
            if (status >= 400 && status < 500) {
                throw new RegistryRefusedException(
                        "the registry refused GET /models/" + model + "/policy with " + status + ": " + e.getMessage(),
                        e);
            }
            throw e;
        }
    }
}
