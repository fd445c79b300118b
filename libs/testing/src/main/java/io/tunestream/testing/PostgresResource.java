package io.tunestream.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tunestream.infra.PostgresAdmin;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh PostgreSQL database with a role of its own on the machine's server (127.0.0.1:5432, started when it is
 * down), created for the test run and dropped afterwards.
 *
 * <p>Provides the {@code quarkus.datasource.*} configuration; Flyway then migrates the empty database as the service
 * would in production.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    static final String DATABASE_PREFIX = "ts_test_";
    /** The comment that marks a test database with the pid of the JVM that owns it. */
    static final String OWNER_COMMENT = "tunestream test database of pid ";

    private final PostgresAdmin admin = PostgresAdmin.local();
    private String database;

    @Override
    public Map<String, String> start() {
        admin.ensureRunning();
        dropDatabasesOfDeadTestRuns();
        database =
                DATABASE_PREFIX + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String password = UUID.randomUUID().toString();
        admin.createDatabase(database, database, password);
        admin.commentOnDatabase(
                database, OWNER_COMMENT + ProcessHandle.current().pid());
        return Map.of(
                "quarkus.datasource.jdbc.url",
                admin.jdbcUrl(database),
                "quarkus.datasource.username",
                database,
                "quarkus.datasource.password",
                password,
                "quarkus.datasource.devservices.enabled",
                "false");
    }

    /**
     * A test JVM that was killed never ran {@link #stop()}: its database is found by the owner pid in its comment and
     * dropped once that process is gone. Databases of live JVMs (parallel builds) are left alone.
     */
    private void dropDatabasesOfDeadTestRuns() {
        admin.databasesStartingWith(DATABASE_PREFIX).forEach((name, comment) -> {
            if (comment.startsWith(OWNER_COMMENT)) {
                long owner =
                        Long.parseLong(comment.substring(OWNER_COMMENT.length()).trim());
                if (ProcessHandle.of(owner).map(handle -> !handle.isAlive()).orElse(true)) {
                    admin.dropDatabase(name, name);
                }
            }
        });
    }

    @Override
    public void stop() {
        if (database != null) {
            admin.dropDatabase(database, database);
            database = null;
        }
    }
}
