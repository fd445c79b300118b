package io.tunestream.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Administers the machine's PostgreSQL server: starts the Debian cluster when it is down, and creates or drops a
 * database with a role of its own that logs in with a password (no reliance on trust authentication).
 *
 * <p>Administrative SQL runs through {@code psql}: as root, as the {@code postgres} OS user over the local socket
 * (peer authentication, what a default Debian cluster allows); otherwise over TCP as {@code $TUNESTREAM_PG_ADMIN_USER}
 * (default {@code postgres}) with the password in {@code $TUNESTREAM_PG_ADMIN_PASSWORD}.
 */
public final class PostgresAdmin {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PSQL_TIMEOUT = Duration.ofSeconds(60);
    private static final Path DEBIAN_CLUSTERS = Path.of("/etc/postgresql");

    private final String host;
    private final int port;

    public PostgresAdmin(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** The server on 127.0.0.1:5432. */
    public static PostgresAdmin local() {
        return new PostgresAdmin("127.0.0.1", 5432);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public boolean isRunning() {
        return Ports.isListening(host, port);
    }

    /**
     * Makes sure the server accepts connections, starting the Debian cluster ({@code pg_ctlcluster}) when it is down.
     *
     * @throws IllegalStateException with what to do when it is down and cannot be started from here
     */
    public void ensureRunning() {
        if (isRunning()) {
            return;
        }
        if (!isRoot() || !Files.isDirectory(DEBIAN_CLUSTERS)) {
            throw new IllegalStateException("PostgreSQL is not accepting connections on " + host + ":" + port
                    + " and cannot be started from here (needs root and a Debian cluster under " + DEBIAN_CLUSTERS
                    + "); start it, e.g. 'pg_ctlcluster --skip-systemctl-redirect <version> main start'");
        }
        String version = newestClusterVersion();
        run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"), "");
        Waits.until(
                "PostgreSQL " + version + " to accept connections on " + host + ":" + port,
                START_TIMEOUT,
                this::isRunning);
    }

    /**
     * Creates {@code role} (login, with {@code password}) and {@code database} owned by it. Idempotent: an existing
     * role gets the password, an existing database is kept with its data.
     */
    public void createDatabase(String database, String role, String password) {
        requireIdentifier(database, "database");
        requireIdentifier(role, "role");
        // Values travel as psql variables and are quoted by format(%I, %L), so no password or name is ever pasted
        // into SQL text (or echoed by an error message that quotes the failing line).
        String sql = """
                SELECT format(CASE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')
                                   THEN 'ALTER ROLE %I LOGIN PASSWORD %L' ELSE 'CREATE ROLE %I LOGIN PASSWORD %L' END,
                              :'role', :'password') \\gexec
                SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'role')
                  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \\gexec
                """;
        psql(sql, Map.of("database", database, "role", role, "password", password));
    }

    /** Drops {@code database} (closing its connections) and {@code role}; absent ones are skipped. */
    public void dropDatabase(String database, String role) {
        requireIdentifier(database, "database");
        requireIdentifier(role, "role");
        psql("""
                SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'database') \\gexec
                SELECT format('DROP ROLE IF EXISTS %I', :'role') \\gexec
                """, Map.of("database", database, "role", role));
    }

    /** Sets the comment of {@code database}, e.g. to record who created it. */
    public void commentOnDatabase(String database, String comment) {
        requireIdentifier(database, "database");
        psql(
                "SELECT format('COMMENT ON DATABASE %I IS %L', :'database', :'comment') \\gexec",
                Map.of("database", database, "comment", comment));
    }

    /** The databases whose names start with {@code prefix}, each with its comment (empty when it has none). */
    public Map<String, String> databasesStartingWith(String prefix) {
        requireIdentifier(prefix, "database prefix");
        Map<String, String> databases = new TreeMap<>();
        String rows = psql("""
                SELECT datname, coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database
                  WHERE starts_with(datname, :'prefix');
                """, Map.of("prefix", prefix));
        rows.lines().filter(line -> !line.isBlank()).forEach(line -> {
            int separator = line.indexOf('|');
            databases.put(line.substring(0, separator), line.substring(separator + 1));
        });
        return databases;
    }

    public boolean databaseExists(String database) {
        requireIdentifier(database, "database");
        return psql("SELECT count(*) FROM pg_database WHERE datname = :'database';", Map.of("database", database))
                .trim()
                .equals("1");
    }

    /**
     * Runs SQL as the administrator and returns what psql printed (unaligned, tuples only).
     *
     * @param variables psql variables, referenced in the SQL as {@code :'name'} (a quoted literal)
     */
    public String psql(String sql, Map<String, String> variables) {
        List<String> command = new ArrayList<>();
        String adminUser = System.getenv().getOrDefault("TUNESTREAM_PG_ADMIN_USER", "postgres");
        if (isRoot() && isLocalHost() && Files.isDirectory(DEBIAN_CLUSTERS)) {
            command.addAll(List.of("runuser", "-u", "postgres", "--", "psql", "-p", String.valueOf(port)));
        } else {
            command.addAll(List.of("psql", "-h", host, "-p", String.valueOf(port), "-U", adminUser));
        }
        // -w: fail instead of prompting for a password nobody will type.
        command.addAll(List.of("-X", "-q", "-w", "-At", "-v", "ON_ERROR_STOP=1", "-d", "postgres"));
        StringBuilder script = new StringBuilder();
        variables.forEach((name, value) -> {
            if (value.contains("\n") || value.contains("\r")) {
                throw new IllegalArgumentException("psql variable '" + name + "' must be a single line");
            }
            script.append("\\set ")
                    .append(name)
                    .append(" '")
                    .append(value.replace("\\", "\\\\").replace("'", "\\'"))
                    .append("'\n");
        });
        return run(command, script.append(sql).toString());
    }

    private boolean isLocalHost() {
        return host.equals("127.0.0.1") || host.equals("localhost");
    }

    private static String run(List<String> command, String stdin) {
        Path output = null;
        try {
            output = Files.createTempFile("tunestream-psql-", ".out");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            String password = System.getenv("TUNESTREAM_PG_ADMIN_PASSWORD");
            if (password != null) {
                builder.environment().put("PGPASSWORD", password);
            }
            Process process = builder.start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(PSQL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        String.join(" ", command) + " did not finish within " + PSQL_TIMEOUT.toSeconds() + " s");
            }
            String text = Files.readString(output);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code "
                        + process.exitValue() + ": " + text.trim());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot run " + command.get(0) + " (is the PostgreSQL client installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    private static String newestClusterVersion() {
        try (Stream<Path> versions = Files.list(DEBIAN_CLUSTERS)) {
            return versions.map(path -> path.getFileName().toString())
                    .filter(name -> name.matches("\\d+"))
                    .max(Comparator.comparingInt(Integer::parseInt))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL cluster under " + DEBIAN_CLUSTERS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void requireIdentifier(String name, String what) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name '" + name + "' must match " + IDENTIFIER.pattern());
        }
    }
}
