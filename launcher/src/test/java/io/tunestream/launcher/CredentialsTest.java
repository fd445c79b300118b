package io.tunestream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {

    @TempDir
    Path directory;

    @Test
    void shouldGenerateASecretOnceAndReadTheSameOneAfterARestart() throws Exception {
        Path file = directory.resolve("state/credentials.properties");

        String first = Credentials.loadOrCreate(file).secret("postgres.dataset.password");
        String again = Credentials.loadOrCreate(file).secret("postgres.dataset.password");
        String other = Credentials.loadOrCreate(file).secret("postgres.registry.password");

        assertThat(first).hasSize(36).isEqualTo(again).isNotEqualTo(other);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }
}
