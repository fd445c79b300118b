package io.tunestream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunestream.infra.PostgresAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One home, one state, on the machine's real PostgreSQL: a new home names its own databases, and a purge drops them
 * and deletes the home's data but its cache. No process is started: the databases are what a home shares otherwise.
 */
class HomeStateIT {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path first;

    @TempDir
    Path second;

    private final PostgresAdmin postgres = PostgresAdmin.local();
    private Stack stack;
    private StackSettings settings;

    @AfterEach
    void dropWhatIsLeft() {
        if (settings != null) {
            TestStacks.tearDown(null, postgres, settings);
        }
    }

    @Test
    void aNewHomeHasItsOwnDatabasesAndAPurgeRemovesThemWithItsDataButNotItsCache() throws Exception {
        StackLayout layout = new StackLayout(REPOSITORY, first);
        String prefix = layout.databasePrefix();
        assertThat(prefix).startsWith("tunestream_").isNotEqualTo(StackLayout.LEGACY_DATABASE_PREFIX);
        assertThat(layout.databasePrefix())
                .as("recorded, so the same home keeps it")
                .isEqualTo(prefix);
        assertThat(new StackLayout(REPOSITORY, second).databasePrefix())
                .as("another home")
                .isNotEqualTo(prefix);

        settings = StackSettings.defaults().withDatabasePrefix(prefix);
        stack = new Stack(layout, postgres, settings);
        stack.ensureDatabases();
        assertThat(stack.databaseNames())
                .allSatisfy(name ->
                        assertThat(postgres.databaseExists(name)).as(name).isTrue());
        Path kafkaData = Files.writeString(layout.dataDirectory("kafka").resolve("segment"), "data");
        Path cached = Files.writeString(layout.cacheDirectory("bootstrap").resolve("model"), "weights");

        stack.purge();

        assertThat(stack.databaseNames())
                .allSatisfy(name ->
                        assertThat(postgres.databaseExists(name)).as(name).isFalse());
        assertThat(kafkaData).doesNotExist();
        assertThat(layout.credentialsFile()).doesNotExist();
        assertThat(cached).exists();
        assertThat(layout.databasePrefix())
                .as("a fresh start names fresh databases")
                .isNotEqualTo(prefix);
    }

    @Test
    void aHomeFromBeforeThePrefixKeepsTheDatabasesItUsed() throws Exception {
        Files.writeString(first.resolve("credentials.properties"), "postgres.dataset.password=x\n");
        assertThat(new StackLayout(REPOSITORY, first).databasePrefix()).isEqualTo("tunestream_");
    }
}
