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

    /** Starts the process and returns at once; {@link #isReady()} tells when it serves. */
    Process start(StackLayout layout);

    /** True when the component serves requests. */
    boolean isReady();

    /** What {@link #isReady()} saw, in a few words, for the status table. */
    String health();
}
