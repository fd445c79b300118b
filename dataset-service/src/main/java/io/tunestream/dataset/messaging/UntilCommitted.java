package io.tunestream.dataset.messaging;

import io.quarkus.narayana.jta.QuarkusTransaction;
import java.sql.SQLException;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Runs a consumer's database work in its own transaction, again and again while the database is unavailable, until it
 * commits. Without it, a record consumed while PostgreSQL was unreachable failed like a poison record: the channel's
 * dead-letter strategy moved it to {@code <topic>.dlq} and committed its offset, so a generation (and the prompt it
 * answers), a sample or a promotion was lost to a few seconds of outage (the chaos run found it). Waiting here holds
 * the partition, which is what an outage should do; the work is idempotent, so a commit whose answer was lost and is
 * run again changes nothing.
 *
 * <p>Only failures that may pass are retried: a connection error or refusal, the server shutting down or
 * terminating the connection, too many connections, a serialization failure or deadlock, a pool that had no
 * connection to give. A constraint violation, invalid data or a broken statement fails at once, so the record is
 * dead-lettered with its reason as before.
 */
final class UntilCommitted {

    private static final Logger LOG = Logger.getLogger(UntilCommitted.class);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private UntilCommitted() {}

    /** Runs {@code work} in a new transaction until it commits or fails for a reason that will not pass. */
    static void run(String what, Runnable work) {
        retry(what, () -> QuarkusTransaction.requiringNew().run(work), FIRST_BACKOFF);
    }

    /** Runs {@code attempt} until it returns, waiting from {@code firstBackoff} (doubling) after a transient failure. */
    static void retry(String what, Runnable attempt, Duration firstBackoff) {
        Duration backoff = firstBackoff;
        while (true) {
            try {
                attempt.run();
                return;
            } catch (RuntimeException e) {
                if (!isTransient(e)) {
                    throw e;
                }
                LOG.warnf("%s: the database is unavailable (%s); trying again in %s", what, rootMessage(e), backoff);
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    // Shutting down: the record stays uncommitted and is consumed again after the restart.
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** Whether the failure comes from a database that may be back soon (see the class comment). */
    static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState();
                // No state: the pool's own errors (no connection within the acquisition timeout).
                return state == null
                        // connection exception; operator intervention (admin shutdown, cannot connect now);
                        // insufficient resources (too many connections); transaction rollback (serialization,
                        // deadlock); 55000: the database does not accept connections now.
                        || state.startsWith("08")
                        || state.startsWith("57")
                        || state.startsWith("53")
                        || state.startsWith("40")
                        || state.equals("55000");
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
