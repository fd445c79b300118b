package io.tunestream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.events.EventJson;
import io.tunestream.events.GenerationEvent;
import io.tunestream.events.PromptEvent;
import io.tunestream.events.SamplingParameters;
import io.tunestream.events.TrainedModelEvent;
import io.tunestream.infra.Ports;
import io.tunestream.infra.PostgresAdmin;
import io.tunestream.llm.bootstrap.ScratchModel;
import io.tunestream.llm.bootstrap.ScratchModelSpec;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.TaskFamily;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes each of the generation-service and the training-service, as {@code ./tunestream up --replicas
 * generation-service=2 --replicas training-service=2} runs them, on a real broker, PostgreSQL and S3 server. The
 * generation replicas share the {@code generation-service} group over a 4-partition prompts topic: both answer
 * prompts, and after one is SIGKILLed mid-round every prompt of the round still gets exactly one pair or counted drop.
 * The training replicas share the jobs table: jobs spread over both, none runs twice, and the job of the one killed
 * mid-job is resumed by the other from its last checkpoint. Prints the rebalance time after the kill and the prompts/s
 * of a round with two replicas and of one with the survivor alone (figures, not assertions: the cores are shared).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasIT {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final String MODEL = "replica-llama";
    private static final String PROMPTS = "tunestream.prompts";
    private static final int PROMPT_PARTITIONS = 4;
    private static final String GENERATION_GROUP = "generation-service";
    private static final String[] GENERATION_LOGS = {"generation-service", "generation-service-2", "dataset-service"};
    private static final String[] TRAINING_LOGS = {"training-service", "training-service-2", "registry-service"};
    private static final int JOBS = 3;
    private static final int MAX_STEPS = 60;
    private static final int CHECKPOINT_EVERY = 10;
    private static final Pattern CLAIM = Pattern.compile("job (\\S+): claimed by \\S+ \\(attempt (\\d+)\\)");

    /** Set in {@link #startTwoReplicasOfEach}: both tests use the one stack, whose home outlives a test method. */
    private Path home;

    private Path work;

    private final PostgresAdmin postgres = PostgresAdmin.local();
    private StackSettings settings;
    private StackLayout layout;
    private Stack stack;
    private StackClient client;

    @BeforeAll
    void startTwoReplicasOfEach(@TempDir Path home, @TempDir Path work) throws Exception {
        this.home = home;
        this.work = work;
        Path corpus = corpus(31, 20);
        Path modelDirectory = work.resolve("models/" + MODEL);
        ScratchModel.create(
                modelDirectory,
                corpus.resolve(SyntheticCorpus.SFT_FILE),
                new ScratchModelSpec(31, 300, 32, 1, 2, 1, 64, 256));
        settings = TestStacks.freeSettings("ts_replicas")
                .withReplicaPorts("generation-service", List.of(Ports.freePort()))
                .withReplicaPorts("training-service", List.of(Ports.freePort()))
                .withEnvironment(
                        "generation-service",
                        // The group notices a SIGKILLed member when its session times out (the client's default is
                        // 45 s); a shorter one keeps the test short and is what the rebalance figure below measures.
                        Map.of("KAFKA_SESSION_TIMEOUT_MS", "10000", "KAFKA_HEARTBEAT_INTERVAL_MS", "1000"))
                .withEnvironment(
                        "training-service",
                        Map.of(
                                // A dead runner's lease runs out soon after the kill.
                                "TUNESTREAM_TRAINING_RUNNER_LEASE", "5s",
                                "TUNESTREAM_TRAINING_RUNNER_HEARTBEAT", "1s",
                                "TUNESTREAM_TRAINING_RUNNER_CHECKPOINT_EVERY", String.valueOf(CHECKPOINT_EVERY),
                                "TUNESTREAM_TRAINING_DEFAULTS_MAX_STEPS", String.valueOf(MAX_STEPS),
                                "TUNESTREAM_TRAINING_DEFAULTS_BATCH_SIZE", "2",
                                "TUNESTREAM_TRAINING_DEFAULTS_EVAL_EVERY", "1000",
                                "TUNESTREAM_TRAINING_DEFAULTS_MAX_LENGTH", "64"))
                .withEnvironment(
                        "registry-service",
                        Map.of(
                                "TUNESTREAM_REGISTRY_IMPORTING_ALLOWED_DIRECTORIES",
                                work.resolve("models").toString()));
        layout = new StackLayout(REPOSITORY, home);
        client = new StackClient(settings, layout);

        // The infrastructure first, so that the prompts topic has its 4 partitions before any service subscribes
        // (the local broker creates topics with 3), as a cluster's KafkaTopic would.
        Stack infrastructure = new Stack(
                layout,
                postgres,
                new StackSettings(
                        settings.kafkaPort(),
                        settings.kafkaControllerPort(),
                        settings.objectStorePort(),
                        Map.of(),
                        settings.databasePrefix()));
        stack = infrastructure;
        assertThat(infrastructure.up(quiet())).isTrue();
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(PROMPTS, PROMPT_PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }
        stack = new Stack(layout, postgres, settings);
        assertThat(stack.components())
                .extracting(Component::name)
                .contains("generation-service", "generation-service-2", "training-service", "training-service-2");
        assertThat(stack.up(quiet()))
                .as("starts the services and their replicas")
                .isTrue();
        assertThat(Files.readString(layout.logFile("generation-service-2")))
                .as("each replica logs to its own file")
                .contains(String.valueOf(
                        settings.replicaPorts().get("generation-service").get(0)));

        // The base model through the registry (version 1, production); both generation replicas serve it.
        HttpResponse<String> imported = client.post(
                "registry-service", "/models/" + MODEL + "/import", "{\"directory\": \"" + modelDirectory + "\"}");
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        client.awaitConsumed("dataset-service.model-versions", "tunestream.model-versions", WAIT);
    }

    @AfterAll
    void stopAndDropDatabases() {
        TestStacks.tearDown(stack, postgres, settings);
    }

    @Test
    @Order(1)
    void bothGenerationReplicasAnswerAndAKilledOnesPromptsAreAnsweredOnceByTheOther() throws Exception {
        // Round 1, two replicas: both take part (each one's count of answered prompts grows).
        Map<String, Double> answeredBefore = answeredByReplica();
        Round together = runRound(corpus(41, 16));
        Map<String, Double> answeredAfter = answeredByReplica();
        System.out.printf(
                Locale.ROOT,
                "REPLICAS generation round with 2 replicas: %d prompts in %.1f s, %.2f prompts/s; answered by"
                        + " replica %s%n",
                together.prompts,
                together.seconds,
                together.prompts / together.seconds,
                difference(answeredAfter, answeredBefore));
        assertThat(difference(answeredAfter, answeredBefore))
                .as("each replica answered prompts of the round")
                .allSatisfy((replica, answered) -> assertThat(answered).isPositive())
                .hasSize(2);
        Map<TopicPartition, String> owners = partitionOwners();
        assertThat(Set.copyOf(owners.values()))
                .as("the 4 partitions are shared by the 2 members: " + owners)
                .hasSize(2);

        // Round 2: kill the second replica (SIGKILL) once the round's first outcomes are in.
        Started round2 = startRound(corpus(43, 30));
        String pipeline = round2.pipeline;
        int prompts = round2.prompts;
        client.awaitWithLogs("the round's first outcomes", WAIT, () -> outcomeTotal(pipeline) > 0, GENERATION_LOGS);
        Map<TopicPartition, String> ownersAtKill = partitionOwners();
        Component second = stack.component("generation-service-2").orElseThrow();
        ProcessHandle killed = stack.running(second).orElseThrow();
        long outcomesAtKill = outcomeTotal(pipeline);
        long killedAt = System.currentTimeMillis();
        killed.destroyForcibly();
        killed.onExit().get();
        assertThat(outcomesAtKill).as("killed mid-round").isLessThan(prompts);

        // The group's rebalance: the survivor holds all 4 partitions.
        client.awaitWithLogs(
                "one member holding the 4 partitions",
                WAIT,
                () -> {
                    Map<TopicPartition, String> now = partitionOwners();
                    return now.size() == PROMPT_PARTITIONS
                            && Set.copyOf(now.values()).size() == 1;
                },
                GENERATION_LOGS);
        long rebalancedAt = System.currentTimeMillis();
        String survivor = partitionOwners().values().iterator().next();
        Set<TopicPartition> deadPartitions = new HashSet<>();
        ownersAtKill.forEach((partition, member) -> {
            if (!member.equals(survivor)) {
                deadPartitions.add(partition);
            }
        });
        assertThat(deadPartitions)
                .as("the killed member held partitions: " + ownersAtKill)
                .isNotEmpty();

        client.awaitWithLogs(
                "one outcome per prompt of the round", WAIT, () -> outcomeTotal(pipeline) >= prompts, GENERATION_LOGS);
        client.awaitConsumed(GENERATION_GROUP, PROMPTS, WAIT);
        client.awaitConsumed("dataset-service.generations", "tunestream.generations", WAIT);
        JsonNode view = client.getJson("dataset-service", "/pipelines/" + pipeline);
        Map<String, Long> outcomes = outcomes(pipeline);
        assertThat(view.get("prompts").asLong()).isEqualTo(prompts);
        assertThat(outcomes.values().stream().mapToLong(Long::longValue).sum())
                .as("exactly one pair or drop per prompt: " + outcomes)
                .isEqualTo(prompts);

        // When the survivor first answered a prompt of the dead member's partitions: the takeover.
        Map<String, TopicPartition> promptPartition = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : client.readAll(PROMPTS)) {
            PromptEvent prompt = EventJson.fromBytes(record.value(), PromptEvent.class);
            if (prompt.pipeline().equals(pipeline)) {
                promptPartition.put(prompt.promptHash(), new TopicPartition(PROMPTS, record.partition()));
            }
        }
        long takeover = client.readAll("tunestream.generations").stream()
                .filter(record -> record.timestamp() > killedAt)
                .filter(record -> {
                    GenerationEvent generation = EventJson.fromBytes(record.value(), GenerationEvent.class);
                    return generation.pipeline().equals(pipeline)
                            && deadPartitions.contains(promptPartition.get(generation.promptHash()));
                })
                .mapToLong(ConsumerRecord::timestamp)
                .min()
                .orElseThrow(() -> new AssertionError(
                        "no generation for the killed replica's partitions " + deadPartitions + " after the kill"));
        System.out.printf(
                Locale.ROOT,
                "REPLICAS generation kill: rebalanced (one member, 4 partitions) %.1f s after the SIGKILL; first answer"
                        + " for the dead member's partitions %s %.1f s after it; session timeout 10 s; outcomes %s%n",
                (rebalancedAt - killedAt) / 1e3,
                deadPartitions,
                (takeover - killedAt) / 1e3,
                outcomes);

        // Round 3, the survivor alone: the one-replica throughput beside round 1's.
        Round alone = runRound(corpus(47, 16));
        System.out.printf(
                Locale.ROOT,
                "REPLICAS generation round with 1 replica: %d prompts in %.1f s, %.2f prompts/s (2 replicas: %.2f)%n",
                alone.prompts,
                alone.seconds,
                alone.prompts / alone.seconds,
                together.prompts / together.seconds);
    }

    @Test
    @Order(2)
    void trainingJobsSpreadOverBothReplicasRunOnceAndAKilledOnesJobIsResumedByTheOther() throws Exception {
        List<String> datasets = new ArrayList<>();
        Path corpus = corpus(53, 20);
        for (int index = 0; index < JOBS; index++) {
            datasets.add(sealedSftVersion(corpus, index));
        }
        // Once each replica has claimed a job, kill the second one (SIGKILL) when its job has a checkpoint. (The
        // second: the client, like the gateway, asks the first one's port; the jobs table answers the same from both.)
        String victim = "training-service-2";
        String survivor = "training-service";
        long victimPid = stack.running(stack.component(victim).orElseThrow())
                .orElseThrow()
                .pid();
        client.awaitWithLogs(
                "both training replicas claimed a job, the second's with a checkpoint",
                Duration.ofMinutes(3),
                () -> !claims(survivor).isEmpty()
                        && jobs(datasets).stream().anyMatch(job -> runningWithCheckpoint(job, victimPid)),
                TRAINING_LOGS);
        String victimId = jobs(datasets).stream()
                .filter(job -> runningWithCheckpoint(job, victimPid))
                .findFirst()
                .orElseThrow()
                .get("id")
                .asText();
        ProcessHandle killed =
                stack.running(stack.component(victim).orElseThrow()).orElseThrow();
        killed.destroyForcibly();
        killed.onExit().get();
        // The checkpoint recorded when the process died: read after the kill, so none can be recorded in between.
        long checkpointAtKill = client.getJson("training-service", "/jobs/" + victimId)
                .get("checkpointStep")
                .asLong();

        client.awaitWithLogs(
                "every job finished",
                Duration.ofMinutes(4),
                () -> jobs(datasets).size() == JOBS
                        && jobs(datasets).stream()
                                .allMatch(job -> job.get("state").asText().matches("SUCCEEDED|FAILED|CANCELLED")),
                TRAINING_LOGS);

        List<JsonNode> finished = jobs(datasets);
        Map<String, List<Integer>> claimsOfVictim = claims(victim);
        Map<String, List<Integer>> claimsOfSurvivor = claims(survivor);
        System.out.printf(
                Locale.ROOT,
                "REPLICAS training: %s claimed %s, %s claimed %s; %s killed with checkpoint step %d of job %s%n",
                victim,
                claimsOfVictim,
                survivor,
                claimsOfSurvivor,
                victim,
                checkpointAtKill,
                victimId);
        assertThat(claimsOfVictim).as("the killed replica ran a job").containsKey(victimId);
        assertThat(claimsOfSurvivor.keySet())
                .as("the survivor ran jobs of its own")
                .anyMatch(id -> !id.equals(victimId));
        for (JsonNode job : finished) {
            String id = job.get("id").asText();
            assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
            List<Integer> attempts = new ArrayList<>(claimsOfVictim.getOrDefault(id, List.of()));
            attempts.addAll(claimsOfSurvivor.getOrDefault(id, List.of()));
            List<Long> steps = new ArrayList<>();
            client.getJson("training-service", "/jobs/" + id + "/metrics")
                    .forEach(metric -> steps.add(metric.get("step").asLong()));
            assertThat(steps)
                    .as("every step of " + id + " recorded once")
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(1, MAX_STEPS).boxed().toList());
            if (id.equals(victimId)) {
                assertThat(job.get("attempts").asInt())
                        .as("claimed again once, after the lease expired")
                        .isEqualTo(2);
                assertThat(claimsOfSurvivor.get(id))
                        .as("the survivor took it over")
                        .containsExactly(2);
                assertThat(job.get("resumedFromStep").asLong())
                        .as("resumed from a checkpoint no older than the one recorded at the kill")
                        .isGreaterThanOrEqualTo(Math.max(checkpointAtKill, CHECKPOINT_EVERY))
                        .isLessThan(MAX_STEPS);
                assertThat(attempts).containsExactlyInAnyOrder(1, 2);
            } else {
                assertThat(job.get("attempts").asInt()).as("run once: " + job).isEqualTo(1);
                assertThat(attempts).as("claimed by one replica once").containsExactly(1);
            }
        }
        List<String> announced = client.readAll("tunestream.trained-models").stream()
                .map(record -> EventJson.fromBytes(record.value(), TrainedModelEvent.class)
                        .jobId())
                .toList();
        assertThat(announced)
                .as("each job announced once")
                .containsExactlyInAnyOrderElementsOf(
                        finished.stream().map(job -> job.get("id").asText()).toList());
    }

    /** A job that {@code pid}'s runner holds (its lease owner is {@code <pid>@<host>/...}), past a checkpoint. */
    private static boolean runningWithCheckpoint(JsonNode job, long pid) {
        return job.get("state").asText().equals("RUNNING")
                && job.get("checkpointStep").asLong() >= CHECKPOINT_EVERY
                && job.get("step").asLong() < MAX_STEPS - 2 * CHECKPOINT_EVERY
                && job.path("leaseOwner").asText("").startsWith(pid + "@");
    }

    /** The jobs a replica's log says it claimed, with the attempt numbers of its claims. */
    private Map<String, List<Integer>> claims(String replica) {
        Map<String, List<Integer>> claims = new LinkedHashMap<>();
        try {
            Matcher claim = CLAIM.matcher(Files.readString(layout.logFile(replica)));
            while (claim.find()) {
                claims.computeIfAbsent(claim.group(1), id -> new ArrayList<>()).add(Integer.parseInt(claim.group(2)));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the log of " + replica, e);
        }
        return claims;
    }

    private List<JsonNode> jobs(List<String> datasets) {
        List<JsonNode> jobs = new ArrayList<>();
        client.getJson("training-service", "/jobs").forEach(job -> {
            if (datasets.contains(job.get("dataset").asText())) {
                jobs.add(job);
            }
        });
        return jobs;
    }

    /** An SFT dataset with the corpus uploaded and an sft pipeline sealed once: one dataset version, one job. */
    private String sealedSftVersion(Path corpus, int index) {
        String dataset = "sft" + index + "-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(client.post("dataset-service", "/datasets", "{\"name\": \"" + dataset + "\", \"kind\": \"sft\"}")
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> upload = client.postFile(
                "dataset-service",
                "/datasets/" + dataset + "/uploads",
                "application/x-ndjson",
                corpus.resolve(SyntheticCorpus.SFT_FILE));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        String pipeline = dataset + "-sft";
        assertThat(client.post(
                                "dataset-service",
                                "/pipelines",
                                "{\"name\": \"" + pipeline + "\", \"dataset\": \"" + dataset + "\", \"model\": \""
                                        + MODEL + "\", \"recipe\": \"sft\"}")
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> sealed = client.post("dataset-service", "/pipelines/" + pipeline + "/seal", "");
        assertThat(sealed.statusCode()).as(sealed.body()).isEqualTo(201);
        return dataset;
    }

    /** A finished dpo round: how many prompts it had and how long they took to become pairs or drops. */
    private record Round(int prompts, double seconds) {}

    private Round runRound(Path corpus) throws Exception {
        long started = System.nanoTime();
        Started round = startRound(corpus);
        String pipeline = round.pipeline;
        int prompts = round.prompts;
        client.awaitWithLogs(
                "one outcome per prompt of " + pipeline,
                WAIT,
                () -> outcomeTotal(pipeline) >= prompts,
                GENERATION_LOGS);
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(outcomeTotal(pipeline)).as("one outcome per prompt").isEqualTo(prompts);
        return new Round(prompts, seconds);
    }

    /** A dpo pipeline that publishes one prompt per sample of its dataset. */
    private record Started(String pipeline, int prompts) {}

    /** Uploads the corpus as a new SFT dataset and starts a dpo pipeline on it: one prompt per (distinct) sample. */
    private Started startRound(Path corpus) throws Exception {
        String dataset = "gen-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(client.post("dataset-service", "/datasets", "{\"name\": \"" + dataset + "\", \"kind\": \"sft\"}")
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> upload = client.postFile(
                "dataset-service",
                "/datasets/" + dataset + "/uploads",
                "application/x-ndjson",
                corpus.resolve(SyntheticCorpus.SFT_FILE));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        int samples = StackClient.json(upload.body()).get("added").asInt();
        assertThat(samples).as("the corpus's distinct samples").isPositive();
        String pipeline = dataset + "-dpo";
        // Sampled, not greedy (the scratch model's greedy answer is often its end token at once), up to 32 tokens.
        String sampling = EventJson.mapper()
                .writeValueAsString(new SamplingParameters(1.0, null, null, 32, 1, List.of(), null, null, 5L));
        HttpResponse<String> created = client.post(
                "dataset-service",
                "/pipelines",
                "{\"name\": \"" + pipeline + "\", \"dataset\": \"" + dataset + "\", \"model\": \"" + MODEL
                        + "\", \"recipe\": \"dpo\", \"sampling\": " + sampling + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return new Started(pipeline, samples);
    }

    private Path corpus(long seed, int perFamily) throws IOException {
        Path corpus = work.resolve("corpus-" + seed + "-" + perFamily);
        if (!Files.exists(corpus.resolve(SyntheticCorpus.SFT_FILE))) {
            SyntheticCorpus.write(corpus, new CorpusSpec(seed, perFamily, 0, 1, EnumSet.allOf(TaskFamily.class)));
        }
        return corpus;
    }

    private long outcomeTotal(String pipeline) {
        return outcomes(pipeline).values().stream().mapToLong(Long::longValue).sum();
    }

    private Map<String, Long> outcomes(String pipeline) {
        Map<String, Long> outcomes = new LinkedHashMap<>();
        client.getJson("dataset-service", "/pipelines/" + pipeline)
                .get("outcomes")
                .fields()
                .forEachRemaining(
                        entry -> outcomes.put(entry.getKey(), entry.getValue().asLong()));
        return outcomes;
    }

    /** Each live generation replica's count of answered prompts, from its own /q/metrics. */
    private Map<String, Double> answeredByReplica() throws Exception {
        Map<String, Double> answered = new LinkedHashMap<>();
        Map<String, Integer> ports = Map.of(
                "generation-service", settings.servicePorts().get("generation-service"),
                "generation-service-2",
                        settings.replicaPorts().get("generation-service").get(0));
        for (Map.Entry<String, Integer> replica : ports.entrySet()) {
            String metrics = HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.getValue() + "/q/metrics"))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            answered.put(
                    replica.getKey(),
                    metrics.lines()
                            .filter(line -> line.startsWith("tunestream_generation_prompts_answered_total"))
                            .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                            .sum());
        }
        return answered;
    }

    private static Map<String, Double> difference(Map<String, Double> after, Map<String, Double> before) {
        Map<String, Double> difference = new LinkedHashMap<>();
        after.forEach((replica, count) -> difference.put(replica, count - before.getOrDefault(replica, 0.0)));
        return difference;
    }

    /** The member id holding each partition of the prompts topic in the generation-service's group, now. */
    private Map<TopicPartition, String> partitionOwners() {
        try (Admin admin = admin()) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GENERATION_GROUP))
                    .all()
                    .get()
                    .get(GENERATION_GROUP);
            Map<TopicPartition, String> owners = new HashMap<>();
            for (MemberDescription member : group.members()) {
                member.assignment().topicPartitions().stream()
                        .filter(partition -> partition.topic().equals(PROMPTS))
                        .forEach(partition -> owners.put(partition, member.consumerId()));
            }
            return owners;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe the group " + GENERATION_GROUP, e);
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, client.bootstrapServers()));
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }
}
