package io.tunestream.launcher;

import java.util.List;

/** One process of the local stack: a Kafka broker, the object store, or a service. */
public interface Component {

    /** The name used in the status table, for {@code logs}, and for the pid and log files. */
    String name();

    /** The ports it listens on; all must be free before it starts. */
    List<Integer> ports();

    /** Where users reach it, for the status table. */
    String url();

    /** A string in the process's command line that proves a recorded pid is still this component. */
    String processMarker();

    /** Starts the process and returns at once; {@link #probe()} tells when it serves. */
    Process start(StackLayout layout);

    /** Asks the component whether it serves requests. */
    Health probe();

    /**
     * What a probe saw.
     *
     * @param ready true when the component serves requests
     * @param description a few words for the status table, e.g. {@code UP (bucket tunestream)} or {@code not answering}
     */
    record Health(boolean ready, String description) {

        static Health up(String description) {
            return new Health(true, description);
        }

        static Health down(String description) {
            return new Health(false, description);
        }
    }
}
