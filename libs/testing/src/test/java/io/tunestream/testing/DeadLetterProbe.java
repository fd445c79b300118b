package io.tunestream.testing;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** A consumer that fails on records whose value starts with {@code poison}, to prove the dead-letter path. */
@ApplicationScoped
public class DeadLetterProbe {

    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> processed = new CopyOnWriteArrayList<>();

    @Incoming("dead-letter-probe")
    void consume(String value) {
        received.add(value);
        if (value.startsWith("poison")) {
            throw new IllegalArgumentException("cannot process '" + value + "'");
        }
        processed.add(value);
    }

    /** Every value delivered to the consumer, whether processing it succeeded or threw. */
    public List<String> received() {
        return List.copyOf(received);
    }

    /** The values processed without an error. */
    public List<String> processed() {
        return List.copyOf(processed);
    }
}
