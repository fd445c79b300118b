package io.tunestream.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PostgresAdminTest {

    private final PostgresAdmin admin = PostgresAdmin.local();

    @Test
    void shouldCreateADatabaseItsRoleCanUseWithAPasswordAndDropItAgain() throws SQLException {
        admin.ensureRunning();
        String name =
                "ts_infra_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        // Quotes, dollar quotes and backslashes must reach PostgreSQL as they are.
        String password = "it's $$ a \\ " + UUID.randomUUID();
        try {
            admin.createDatabase(name, name, password);
            admin.createDatabase(name, name, password);

            assertThat(admin.databaseExists(name)).isTrue();
            try (Connection connection = DriverManager.getConnection(admin.jdbcUrl(name), name, password);
                    Statement statement = connection.createStatement()) {
                statement.execute("create table probe (id int primary key)");
                statement.execute("insert into probe values (7)");
                try (ResultSet rows =
                        statement.executeQuery("select current_user, current_database(), (select id from probe)")) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getString(1)).isEqualTo(name);
                    assertThat(rows.getString(2)).isEqualTo(name);
                    assertThat(rows.getInt(3)).isEqualTo(7);
                }
            }
        } finally {
            admin.dropDatabase(name, name);
        }
        assertThat(admin.databaseExists(name)).isFalse();
    }

    @Test
    void shouldRefuseANameThatIsNotAPlainIdentifier() {
        assertThatThrownBy(() -> admin.createDatabase("x; drop database postgres", "r", "p"))
                .hasMessageContaining("database name 'x; drop database postgres' must match");
    }
}
