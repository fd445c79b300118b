package io.tunestream.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.launcher.StackLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every platform command shares: the gateway's URL, the API key, {@code --json}, and exit codes scripts can rely
 * on. The key comes from {@code TUNESTREAM_API_KEY}, else from the credentials file ({@code api-key=ts_...} in
 * {@code ~/.config/tunestream/credentials}), else, for the local stack, the launcher's admin key in the home's
 * {@code credentials.properties}.
 */
public abstract class ApiCommand implements Callable<Integer> {

    /** Done. */
    public static final int OK = 0;
    /** The gateway could not be reached, or answered with a server error. */
    public static final int FAILED = 1;
    /** The command line was wrong (picocli's own code). */
    public static final int USAGE = 2;
    /** The platform refused the request: invalid (an upload's located errors), not found, or a conflict. */
    public static final int REFUSED = 3;
    /** No key, or the key is unknown, revoked, expired or lacks the route's scope. */
    public static final int UNAUTHORIZED = 4;
    /** A followed job ended without succeeding (failed, cancelled, superseded). */
    public static final int JOB_FAILED = 5;

    public static final String EXIT_CODES_TEXT =
            "0 done, 1 gateway unreachable or server error, 2 bad command line, 3 refused"
                    + " (invalid, not found, conflict), 4 no key or not allowed, 5 a followed job did not succeed";

    @Spec
    protected CommandSpec spec;

    @Option(
            names = "--url",
            defaultValue = "${env:TUNESTREAM_URL:-http://127.0.0.1:8080}",
            description = "the gateway (default: $TUNESTREAM_URL or ${DEFAULT-VALUE})")
    URI url;

    @Option(
            names = "--credentials",
            defaultValue = "${sys:user.home}/.config/tunestream/credentials",
            description = "a properties file with api-key=ts_... (default: ${DEFAULT-VALUE});"
                    + " TUNESTREAM_API_KEY wins over it")
    Path credentials;

    @Option(names = "--json", description = "print the platform's JSON instead of a table")
    protected boolean json;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "show this help (exit codes: " + EXIT_CODES_TEXT + ")")
    boolean help;

    /** Runs the command against the gateway; returns the exit code. */
    protected abstract int run(GatewayClient gateway) throws IOException;

    @Override
    public final Integer call() throws IOException {
        String key = apiKey();
        if (key == null) {
            err().println("no API key: set TUNESTREAM_API_KEY, write api-key=ts_... to " + credentials
                    + ", or start the local stack (./tunestream up), whose admin key is used then");
            return UNAUTHORIZED;
        }
        try {
            return run(new GatewayClient(url, key));
        } catch (GatewayClient.ApiException e) {
            return refused(e);
        } catch (GatewayClient.UnreachableException e) {
            err().println(e.getMessage());
            return FAILED;
        }
    }

    /** Prints a refusal (its problem) and returns its exit code. */
    protected int refused(GatewayClient.ApiException e) {
        JsonNode problem = e.answer().body();
        if (json) {
            out().println(problem.toPrettyString());
        } else {
            err().println(e.getMessage());
        }
        int status = e.answer().status();
        if (status == 401 || status == 403) {
            return UNAUTHORIZED;
        }
        return status / 100 == 4 ? REFUSED : FAILED;
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints {@code body} as JSON with {@code --json}, otherwise runs {@code table}. */
    protected int print(JsonNode body, Runnable table) {
        if (json) {
            out().println(body.toPrettyString());
        } else {
            table.run();
        }
        out().flush();
        return OK;
    }

    private String apiKey() {
        String fromEnvironment = System.getenv("TUNESTREAM_API_KEY");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.trim();
        }
        String fromFile = property(credentials, "api-key");
        if (fromFile != null) {
            return fromFile;
        }
        String stackKey = System.getenv("TUNESTREAM_GATEWAY_ADMIN_KEY");
        if (stackKey != null && !stackKey.isBlank()) {
            return stackKey.trim();
        }
        Path repository = Path.of(System.getProperty("tunestream.repository", "."));
        String generated = property(StackLayout.fromEnvironment(repository).credentialsFile(), "gateway.admin-key");
        return generated == null ? null : "ts_" + generated;
    }

    private static String property(Path file, String name) {
        if (file == null || !Files.isReadable(file)) {
            return null;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String value = properties.getProperty(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
