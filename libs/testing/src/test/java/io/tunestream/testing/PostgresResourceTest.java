package io.tunestream.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.infra.PostgresAdmin;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class PostgresResourceTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void shouldRunInAFreshDatabaseOfItsOwnRoleMigratedByFlyway() throws Exception {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("select current_user, current_database(), version()")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).startsWith("ts_test_").isEqualTo(rows.getString(2));
                assertThat(rows.getString(3)).startsWith("PostgreSQL");
            }
            try (ResultSet rows =
                    statement.executeQuery("select script, success from flyway_schema_history where version = '1'")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).endsWith("V1__probe_records.sql");
                assertThat(rows.getBoolean(2)).isTrue();
            }
        }
    }

    @Test
    void shouldDropTheDatabaseOfATestRunWhoseJvmDiedAndKeepTheOthers() throws Exception {
        PostgresAdmin admin = PostgresAdmin.local();
        String abandoned = PostgresResource.DATABASE_PREFIX + "abandoned_"
                + UUID.randomUUID().toString().substring(0, 8);
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        admin.createDatabase(abandoned, abandoned, UUID.randomUUID().toString());
        admin.commentOnDatabase(abandoned, PostgresResource.OWNER_COMMENT + finished.pid());
        String current;
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select current_database()")) {
            rows.next();
            current = rows.getString(1);
        }

        PostgresResource another = new PostgresResource();
        another.start();
        another.stop();

        assertThat(admin.databaseExists(abandoned))
                .as("the dead run's database is dropped")
                .isFalse();
        assertThat(admin.databaseExists(current))
                .as("this live run's database is kept")
                .isTrue();
    }

    @Test
    void shouldPersistAndQueryAnEntityThroughPanache() {
        String label = "probe-" + UUID.randomUUID();

        QuarkusTransaction.requiringNew().run(() -> {
            ProbeRecord record = new ProbeRecord();
            record.label = label;
            record.persist();
        });

        ProbeRecord found = QuarkusTransaction.requiringNew()
                .call(() -> ProbeRecord.<ProbeRecord>find("label", label).firstResult());
        assertThat(found).isNotNull();
        assertThat(found.id).isPositive();
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
                    ProbeRecord duplicate = new ProbeRecord();
                    duplicate.label = label;
                    duplicate.persist();
                }))
                .as("the migration's unique constraint is enforced by the real server")
                .hasStackTraceContaining("probe_record_label_key");
    }
}
