package io.tunestream.launcher.chaos;

import io.tunestream.platform.storage.ObjectStore;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;

/**
 * What a chaos or soak run needs from a running stack: its components' processes (to kill and restart), the broker,
 * the databases (read as the administrator, never through the services) and the object store. Implemented over the
 * launcher's {@code Stack}, so the run kills exactly the processes the launcher started.
 */
public interface ChaosTarget {

    /** The component names, in start order: the broker, the object store, then the services. */
    List<String> components();

    /** The services among {@link #components()}. */
    List<String> services();

    /** SIGKILLs the component's process and returns when it has exited. */
    void kill(String component);

    /** Starts every component that is not running and returns when all are ready. */
    void restart();

    /**
     * Cuts the stack's databases off, as a PostgreSQL outage looks to its services, without stopping the machine's
     * server (shared by every stack and test on it): new connections to them are refused and the open ones are
     * terminated. {@link #restoreDatabases()} ends the outage.
     */
    void cutDatabases();

    void restoreDatabases();

    /** The pid of the component's process, if it runs. */
    Optional<Long> pid(String component);

    String bootstrapServers();

    /** The stack's database of a data-owning area ({@code dataset}, {@code training}, {@code registry}, ...). */
    String databaseName(String area);

    /** Runs {@code sql} on the area's database as the administrator; psql's unaligned, tuples-only output. */
    String query(String area, String sql);

    /** Runs {@code sql} on the server's {@code postgres} database as the administrator (server-wide views). */
    String queryServer(String sql);

    ObjectStore objectStore();

    /** Calls a service's REST API with the stack's internal token; {@code body} may be null. */
    HttpResponse<String> call(String service, String method, String path, String body);
}
