package io.tunestream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunestream.infra.PostgresAdmin;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The query the training-service's KEDA scaler runs, on a real PostgreSQL database migrated by the service's own
 * Flyway migrations: it counts the jobs that need a replica (queued, or running under a lease), and nothing else.
 */
class TrainingQueueScalerTest {

    /** The prefix and comment of libs/testing's PostgresResource, so a killed run's database is dropped by the next. */
    private static final String DATABASE_PREFIX = "ts_test_";

    private static final PostgresAdmin ADMIN = PostgresAdmin.local();
    private static String database;
    private static String password;

    @BeforeAll
    static void createDatabase() {
        ADMIN.ensureRunning();
        database =
                DATABASE_PREFIX + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        password = UUID.randomUUID().toString();
        ADMIN.createDatabase(database, database, password);
        ADMIN.commentOnDatabase(
                database,
                "tunestream test database of pid " + ProcessHandle.current().pid());
        Flyway.configure()
                .dataSource(ADMIN.jdbcUrl(database), database, password)
                .locations("filesystem:"
                        + HelmChart.REPOSITORY.resolve("training-service/src/main/resources/db/migration"))
                .load()
                .migrate();
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            ADMIN.dropDatabase(database, database);
        }
    }

    @Test
    void theScalerCountsQueuedAndRunningJobsOnly() throws Exception {
        String query =
                (String) DefaultValuesTest.metadata(DefaultValuesTest.singleTrigger("training-service", "postgresql"))
                        .get("query");

        try (Connection connection = DriverManager.getConnection(ADMIN.jdbcUrl(database), database, password)) {
            assertThat(count(connection, query)).isZero();
            List<String> states =
                    List.of("QUEUED", "QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "SUPERSEDED");
            for (int i = 0; i < states.size(); i++) {
                insertJob(connection, i, states.get(i));
            }
            assertThat(count(connection, query)).isEqualTo(3);
        }
    }

    private static long count(Connection connection, String query) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(query);
                ResultSet result = statement.executeQuery()) {
            assertThat(result.next()).isTrue();
            return result.getLong(1);
        }
    }

    private static void insertJob(Connection connection, int version, String state) throws Exception {
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into training_job (id, dataset, dataset_version, recipe, model, dataset_files, lineage,
                                          hyperparameters, state, origin, created_at)
                values (?, 'support', ?, 'SFT', 'tiny-llama', '{}'::jsonb, '{}'::jsonb, '{}'::jsonb, ?, 'EVENT', ?)
                """)) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.setInt(2, version);
            insert.setString(3, state);
            insert.setTimestamp(4, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
    }
}
