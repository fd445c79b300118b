package io.tunestream.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
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
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("select current_user, current_database(), version()")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).startsWith("ts_test_").isEqualTo(rows.getString(2));
                assertThat(rows.getString(3)).startsWith("PostgreSQL");
            }
            try (ResultSet rows = statement.executeQuery(
                    "select script, success from flyway_schema_history where version = '1'")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).endsWith("V1__probe_records.sql");
                assertThat(rows.getBoolean(2)).isTrue();
            }
        }
    }

    @Test
    void shouldPersistAndQueryAnEntityThroughPanache() {
        String label = "probe-" + UUID.randomUUID();

        QuarkusTransaction.requiringNew().run(() -> {
            ProbeRecord record = new ProbeRecord();
            record.label = label;
            record.persist();
        });

        ProbeRecord found = QuarkusTransaction.requiringNew().call(() -> ProbeRecord.<ProbeRecord>find("label", label).firstResult());
        assertThat(found).isNotNull();
        assertThat(found.id).isPositive();
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            ProbeRecord duplicate = new ProbeRecord();
            duplicate.label = label;
            duplicate.persist();
        })).as("the migration's unique constraint is enforced by the real server").hasStackTraceContaining("probe_record_label_key");
    }
}
