package io.tunestream.launcher.cli;

import static io.tunestream.launcher.cli.GatewayClient.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The platform's commands over the gateway's API: {@code ./tunestream models}, {@code jobs}, {@code chat}, ... */
public final class PlatformCommands {

    private PlatformCommands() {}

    @Command(name = "models", description = "Lists the registry's models with what production points at.")
    public static final class Models extends ApiCommand {
        @Override
        protected int run(GatewayClient gateway) {
            JsonNode models = ok(gateway.get("/api/v1/models"), "GET /api/v1/models");
            return print(models, () -> {
                Table table = new Table("MODEL", "VERSIONS", "PRODUCTION", "CANDIDATE", "POLICY");
                for (JsonNode model : models) {
                    table.row(
                            model.path("name").asText(),
                            model.path("versions").asInt(),
                            alias(model, "production"),
                            alias(model, "candidate"),
                            model.path("policy").path("mode").asText("-"));
                }
                table.print(out());
            });
        }

        private static String alias(JsonNode model, String alias) {
            JsonNode version = model.path("aliases").path(alias);
            return version.isMissingNode() || version.isNull() ? "-" : "v" + version.asInt();
        }
    }

    @Command(
            name = "versions",
            description = "Lists a model's versions: origin, aliases, the gate's figures, decision.")
    public static final class Versions extends ApiCommand {
        @Parameters(index = "0", paramLabel = "MODEL")
        String model;

        @Override
        protected int run(GatewayClient gateway) {
            JsonNode versions = ok(gateway.get("/api/v1/models/" + model + "/versions"), "versions of " + model);
            return print(versions, () -> {
                Table table = new Table("VERSION", "ORIGIN", "ALIASES", "PARENT", "GATE CAND/PARENT", "DECISION");
                for (JsonNode version : versions) {
                    JsonNode gate = version.path("gate");
                    table.row(
                            "v" + version.path("version").asInt(),
                            version.path("origin").asText("-"),
                            String.join(",", texts(version.path("aliases"))),
                            version.path("lineage").has("parentVersion")
                                    ? "v"
                                            + version.path("lineage")
                                                    .path("parentVersion")
                                                    .asInt()
                                    : "-",
                            gate.has("candidateAccuracy")
                                    ? String.format(
                                            Locale.ROOT,
                                            "%.1f%% / %.1f%%",
                                            100 * gate.path("candidateAccuracy").asDouble(),
                                            100 * gate.path("parentAccuracy").asDouble())
                                    : "-",
                            version.path("decision").asText("-"));
                }
                table.print(out());
            });
        }
    }

    @Command(name = "promote", description = "Points an alias (production by default) at a version.")
    public static final class Promote extends ApiCommand {
        @Parameters(index = "0", paramLabel = "MODEL")
        String model;

        @Parameters(index = "1", paramLabel = "VERSION")
        int version;

        @Option(names = "--alias", defaultValue = "production", description = "default: ${DEFAULT-VALUE}")
        String alias;

        @Option(names = "--reason", description = "recorded with the decision")
        String reason;

        @Override
        protected int run(GatewayClient gateway) {
            ObjectNode body = GatewayClient.mapper().createObjectNode().put("alias", alias);
            if (reason != null) {
                body.put("reason", reason);
            }
            JsonNode promoted = ok(
                    gateway.post("/api/v1/models/" + model + "/versions/" + version + "/promote", body),
                    "promoting " + model + " v" + version);
            return print(promoted, () -> out().println(model + " v" + version + " is " + alias + " now"));
        }
    }

    @Command(name = "rollback", description = "Puts production back on the previous version (or --to VERSION).")
    public static final class Rollback extends ApiCommand {
        @Parameters(index = "0", paramLabel = "MODEL")
        String model;

        @Option(names = "--to", paramLabel = "VERSION", description = "the version to serve (default: the previous)")
        Integer to;

        @Option(names = "--reason", description = "recorded with the move")
        String reason;

        @Override
        protected int run(GatewayClient gateway) {
            ObjectNode body = GatewayClient.mapper().createObjectNode();
            if (to != null) {
                body.put("version", to);
            }
            if (reason != null) {
                body.put("reason", reason);
            }
            JsonNode now = ok(gateway.post("/api/v1/models/" + model + "/rollback", body), "rolling back " + model);
            return print(
                    now,
                    () -> out().println(model + ": production is v"
                            + now.path("version").asInt() + " again"));
        }
    }

    @Command(name = "datasets", description = "Lists the datasets.")
    public static final class Datasets extends ApiCommand {
        @Override
        protected int run(GatewayClient gateway) {
            JsonNode datasets = ok(gateway.get("/api/v1/datasets"), "GET /api/v1/datasets");
            return print(datasets, () -> {
                Table table = new Table("DATASET", "KIND", "CREATED");
                for (JsonNode dataset : datasets) {
                    table.row(
                            dataset.path("name").asText(),
                            dataset.path("kind").asText(),
                            dataset.path("createdAt").asText());
                }
                table.print(out());
            });
        }
    }

    @Command(
            name = "upload",
            description = "Uploads a JSONL file (or a JSON array, *.json) into a dataset, atomically: a file with a bad"
                    + " record adds nothing, and its located errors are printed as a table (exit code 3).")
    public static final class Upload extends ApiCommand {
        @Parameters(index = "0", paramLabel = "DATASET")
        String dataset;

        @Parameters(index = "1", paramLabel = "FILE")
        Path file;

        @Override
        protected int run(GatewayClient gateway) {
            if (!Files.isReadable(file)) {
                err().println("cannot read " + file);
                return REFUSED;
            }
            String type = file.toString().endsWith(".json") ? "application/json" : "application/x-ndjson";
            JsonNode added = ok(
                    gateway.postFile("/api/v1/datasets/" + dataset + "/uploads", type, file),
                    "uploading " + file + " to " + dataset);
            return print(
                    added,
                    () -> out().println("added " + added.path("added").asLong() + " samples to " + dataset + " ("
                            + added.path("duplicates").asLong(0) + " duplicates)"));
        }

        @Override
        protected int refused(GatewayClient.ApiException e) {
            JsonNode problem = e.answer().body();
            if (json
                    || !problem.path("errors").isArray()
                    || problem.path("errors").isEmpty()) {
                return super.refused(e);
            }
            err().println(file + ": " + problem.path("detail").asText() + " ("
                    + problem.path("invalid").asLong() + " of "
                    + problem.path("records").asLong() + " records invalid; nothing was added)");
            Table table = new Table("LINE", "FIELD", "PROBLEM");
            for (JsonNode error : problem.path("errors")) {
                table.row(
                        error.hasNonNull("line")
                                ? error.get("line").asText()
                                : "[" + error.path("index").asText() + "]",
                        error.path("field").asText("-"),
                        error.path("problem").asText(error.path("message").asText()));
            }
            table.print(err());
            return REFUSED;
        }
    }

    @Command(name = "pipelines", description = "Lists the pipelines with their round, model version and outcomes.")
    public static final class Pipelines extends ApiCommand {
        @Override
        protected int run(GatewayClient gateway) {
            JsonNode pipelines = ok(gateway.get("/api/v1/pipelines"), "GET /api/v1/pipelines");
            return print(pipelines, () -> {
                Table table =
                        new Table("PIPELINE", "DATASET", "MODEL", "RECIPE", "ROUND", "VERSION", "PROMPTS", "PAIRS");
                for (JsonNode pipeline : pipelines) {
                    table.row(
                            pipeline.path("name").asText(),
                            pipeline.path("dataset").asText(),
                            pipeline.path("model").asText(),
                            pipeline.path("recipe").asText(),
                            pipeline.path("round").asText("-"),
                            pipeline.hasNonNull("modelVersion")
                                    ? "v" + pipeline.get("modelVersion").asInt()
                                    : "-",
                            pipeline.path("promptsPublished").asText("-"),
                            pipeline.path("outcomes").path("pairs").asText("0"));
                }
                table.print(out());
            });
        }
    }

    @Command(
            name = "pipeline",
            description = "Manages a pipeline.",
            subcommands = {Pipeline.Create.class})
    public static final class Pipeline {
        @Command(name = "create", description = "Creates a pipeline (the dataset-service validates every field).")
        public static final class Create extends ApiCommand {
            @Parameters(index = "0", paramLabel = "NAME")
            String name;

            @Option(names = "--dataset", required = true)
            String dataset;

            @Option(names = "--model", required = true)
            String model;

            @Option(
                    names = "--recipe",
                    defaultValue = "dpo",
                    description = "dpo, sft or pretrain (default ${DEFAULT-VALUE})")
            String recipe;

            @Option(names = "--every-new", description = "seal a version when this many new outcomes wait")
            Integer everyNew;

            @Option(names = "--min-pairs", description = "a dpo version waits for this many pairs")
            Integer minPairs;

            @Option(names = "--samples", description = "sampled answers per prompt (sampling.n)")
            Integer samples;

            @Option(names = "--include-greedy", description = "one greedy answer per prompt besides the samples")
            boolean includeGreedy;

            @Option(
                    names = "--training",
                    paramLabel = "KEY=VALUE",
                    description = "a training hyperparameter, e.g. --training maxSteps=40 (repeatable)")
            Map<String, String> training;

            @Override
            protected int run(GatewayClient gateway) {
                ObjectNode body = GatewayClient.mapper().createObjectNode();
                body.put("name", name)
                        .put("dataset", dataset)
                        .put("model", model)
                        .put("recipe", recipe);
                if (everyNew != null) {
                    body.putObject("trigger").put("everyNew", everyNew);
                }
                if (minPairs != null) {
                    body.put("minPairs", minPairs);
                }
                if (samples != null || includeGreedy) {
                    ObjectNode sampling = body.putObject("sampling");
                    if (samples != null) {
                        sampling.put("n", samples);
                    }
                    sampling.put("includeGreedy", includeGreedy);
                }
                if (training != null) {
                    ObjectNode hyperparameters = body.putObject("training");
                    training.forEach((key, value) -> hyperparameters.set(key, scalar(value)));
                }
                JsonNode created = ok(gateway.post("/api/v1/pipelines", body), "creating pipeline " + name);
                return print(
                        created,
                        () -> out().println("created pipeline " + name + " (" + recipe + " on " + dataset + " for "
                                + model + ")"));
            }

            private static JsonNode scalar(String value) {
                try {
                    return GatewayClient.mapper().readTree(value);
                } catch (IOException notJson) {
                    return GatewayClient.mapper().getNodeFactory().textNode(value);
                }
            }
        }
    }

    @Command(name = "jobs", description = "Lists the training jobs, newest first.")
    public static final class Jobs extends ApiCommand {
        @Option(names = "--limit", defaultValue = "20", description = "default ${DEFAULT-VALUE}")
        int limit;

        @Override
        protected int run(GatewayClient gateway) {
            JsonNode jobs = ok(gateway.get("/api/v1/jobs?limit=" + limit), "GET /api/v1/jobs");
            return print(jobs, () -> {
                Table table = new Table("JOB", "STATE", "RECIPE", "MODEL", "DATA", "STEP", "CREATED");
                for (JsonNode job : jobs) {
                    table.row(
                            job.path("id").asText(),
                            job.path("state").asText(),
                            job.path("recipe").asText(),
                            job.path("model").asText() + " v"
                                    + job.path("baseModelVersion").asText("?"),
                            job.path("dataset").asText() + " d"
                                    + job.path("datasetVersion").asText(),
                            job.path("step").asLong() + "/"
                                    + job.path("maxSteps").asLong(),
                            job.path("createdAt").asText());
                }
                table.print(out());
            });
        }
    }

    @Command(
            name = "job",
            description = "Shows a training job; --follow shows its progress until it ends (exit code 5 unless it"
                    + " succeeded).")
    public static final class Job extends ApiCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Option(
                names = {"-f", "--follow"},
                description = "follow the job's progress (server-sent events) to its end")
        boolean follow;

        @Override
        protected int run(GatewayClient gateway) {
            if (!follow) {
                JsonNode job = ok(gateway.get("/api/v1/jobs/" + id), "job " + id);
                return print(job, () -> {
                    out().println(describe(job));
                    if (job.hasNonNull("error")) {
                        out().println("error: " + job.get("error").asText());
                    }
                });
            }
            AtomicReference<JsonNode> last = new AtomicReference<>();
            LiveLine live =
                    new LiveLine(new PrintStream(new WriterStream(out()), true), !json && LiveLine.isTerminal());
            gateway.stream("/api/v1/jobs/" + id + "/progress", null, data -> {
                JsonNode job;
                try {
                    job = GatewayClient.mapper().readTree(data);
                } catch (IOException e) {
                    return;
                }
                last.set(job);
                if (json) {
                    out().println(job.toString());
                    out().flush();
                } else {
                    live.status(describe(job));
                }
            });
            JsonNode end = last.get();
            if (end == null) {
                err().println("the progress stream of " + id + " ended without a state");
                return FAILED;
            }
            if (!json) {
                live.finish(describe(end));
            }
            return "SUCCEEDED".equals(end.path("state").asText()) ? OK : JOB_FAILED;
        }

        private static String describe(JsonNode job) {
            long step = job.path("step").asLong();
            long maxSteps = job.path("maxSteps").asLong();
            return String.format(
                    Locale.ROOT,
                    "%s %s %s %d/%d%s",
                    job.path("id").asText(),
                    job.path("state").asText(),
                    LiveLine.bar(step, maxSteps, 24),
                    step,
                    maxSteps,
                    job.hasNonNull("lastLoss")
                            ? String.format(
                                    Locale.ROOT,
                                    " loss %.4f",
                                    job.get("lastLoss").asDouble())
                            : "");
        }
    }

    @Command(
            name = "chat",
            description = "Talks to a model through the OpenAI API, streaming its answers: one --message, or lines"
                    + " read from standard input (an empty line or end of input ends).")
    public static final class Chat extends ApiCommand {
        @Parameters(index = "0", paramLabel = "MODEL")
        String model;

        @Option(
                names = {"-m", "--message"},
                description = "one message; without it, lines from standard input")
        String message;

        @Option(names = "--max-tokens", defaultValue = "64", description = "default ${DEFAULT-VALUE}")
        int maxTokens;

        @Override
        protected int run(GatewayClient gateway) throws IOException {
            List<Map<String, String>> history = new ArrayList<>();
            if (message != null) {
                return answer(gateway, history, message);
            }
            BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = input.readLine()) != null && !line.isBlank()) {
                int exit = answer(gateway, history, line);
                if (exit != OK) {
                    return exit;
                }
            }
            return OK;
        }

        private int answer(GatewayClient gateway, List<Map<String, String>> history, String text) {
            history.add(Map.of("role", "user", "content", text));
            ObjectNode body = GatewayClient.mapper().createObjectNode();
            body.put("model", model).put("stream", true).put("max_tokens", maxTokens);
            body.set("messages", GatewayClient.mapper().valueToTree(history));
            StringBuilder reply = new StringBuilder();
            gateway.stream("/v1/chat/completions", body, data -> {
                if (data.equals("[DONE]")) {
                    return;
                }
                try {
                    JsonNode chunk = GatewayClient.mapper().readTree(data);
                    if (json) {
                        out().println(chunk.toString());
                    } else {
                        String delta = chunk.path("choices")
                                .path(0)
                                .path("delta")
                                .path("content")
                                .asText("");
                        reply.append(delta);
                        out().print(delta);
                    }
                    out().flush();
                } catch (IOException e) {
                    err().println("not a chunk: " + data);
                }
            });
            if (!json) {
                out().println();
                out().flush();
            }
            history.add(Map.of("role", "assistant", "content", reply.toString()));
            return OK;
        }
    }

    @Command(
            name = "keys",
            description = "Manages API keys (the admin scope).",
            subcommands = {Keys.Create.class, Keys.ListKeys.class, Keys.Revoke.class})
    public static final class Keys {
        @Command(name = "create", description = "Creates a key; it is printed this once.")
        public static final class Create extends ApiCommand {
            @Parameters(index = "0", paramLabel = "NAME")
            String name;

            @Option(
                    names = "--scopes",
                    split = ",",
                    defaultValue = "read",
                    description = "read, write, admin, inference (default ${DEFAULT-VALUE})")
            List<String> scopes;

            @Option(names = "--expires-at", description = "ISO-8601 instant, e.g. 2027-01-01T00:00:00Z")
            String expiresAt;

            @Override
            protected int run(GatewayClient gateway) {
                ObjectNode body = GatewayClient.mapper().createObjectNode().put("name", name);
                body.set("scopes", GatewayClient.mapper().valueToTree(scopes));
                if (expiresAt != null) {
                    body.put("expiresAt", expiresAt);
                }
                JsonNode created = ok(gateway.post("/api/v1/keys", body), "creating key " + name);
                return print(created, () -> {
                    out().println(created.path("key").asText());
                    out().println("(key " + created.path("details").path("id").asText() + ", " + name + ", scopes "
                            + String.join(",", texts(created.path("details").path("scopes")))
                            + "; shown this once)");
                });
            }
        }

        @Command(name = "list", description = "Lists the keys (never the keys themselves).")
        public static final class ListKeys extends ApiCommand {
            @Override
            protected int run(GatewayClient gateway) {
                JsonNode keys = ok(gateway.get("/api/v1/keys"), "GET /api/v1/keys");
                return print(keys, () -> {
                    Table table = new Table("ID", "NAME", "PREFIX", "SCOPES", "LAST USED", "REVOKED");
                    for (JsonNode key : keys) {
                        table.row(
                                key.path("id").asText(),
                                key.path("name").asText(),
                                key.path("prefix").asText(),
                                String.join(",", texts(key.path("scopes"))),
                                key.path("lastUsedAt").asText("-"),
                                key.path("revokedAt").asText("-"));
                    }
                    table.print(out());
                });
            }
        }

        @Command(name = "revoke", description = "Revokes a key: refused from the next request on.")
        public static final class Revoke extends ApiCommand {
            @Parameters(index = "0", paramLabel = "ID")
            long id;

            @Override
            protected int run(GatewayClient gateway) {
                JsonNode revoked = ok(gateway.delete("/api/v1/keys/" + id), "revoking key " + id);
                return print(revoked, () -> out().println("revoked key " + id));
            }
        }
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
