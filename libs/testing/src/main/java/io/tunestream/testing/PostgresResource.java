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

    private final PostgresAdmin admin = PostgresAdmin.local();
    private String database;

    @Override
    public Map<String, String> start() {
        admin.ensureRunning();
        database = "ts_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String password = UUID.randomUUID().toString();
        admin.createDatabase(database, database, password);
        return Map.of(
                "quarkus.datasource.jdbc.url", admin.jdbcUrl(database),
                "quarkus.datasource.username", database,
                "quarkus.datasource.password", password,
                "quarkus.datasource.devservices.enabled", "false");
    }

    @Override
    public void stop() {
        if (database != null) {
            admin.dropDatabase(database, database);
            database = null;
        }
    }
}
