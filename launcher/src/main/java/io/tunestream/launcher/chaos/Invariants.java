package io.tunestream.launcher.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.events.DatasetVersionEvent;
import io.tunestream.events.EventJson;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.ObjectRef;
import io.tunestream.events.Topic;
import io.tunestream.events.TrainedModelEvent;
import io.tunestream.platform.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The invariants of the loop after faults, read from where the truth lives (the services' databases, the topics and
 * the object store), never from the services' APIs:
 *
 * <ul>
 * <li>every sample published is stored once;</li>
 * <li>every sample of the pipeline's dataset got its prompt, and every prompt of every round has exactly one pair
 *     or counted drop;</li>
 * <li>every sealed dataset version's files match the sha256 of its row, of its manifest and of every event that
 *     announced it (a file rewritten after its announcement would differ);</li>
 * <li>every training job ended (no job left queued or running), a failed one with a reason; each published dataset
 *     version has its job; no job is registered twice;</li>
 * <li>every model version's files match the sha256 recorded for them and announced when it was registered;</li>
 * <li>the production alias names a READY version whose files exist;</li>
 * <li>every consumer group has consumed every record (lag 0), and none was dead-lettered (the workload publishes
 *     no poison, so a dead letter is a valid event a consumer gave up on).</li>
 * </ul>
 */
public final class Invariants {

    private final ChaosTarget target;
    private final TopicReader topics;

    public Invariants(ChaosTarget target) {
        this.target = target;
        this.topics = new TopicReader(target.bootstrapServers());
    }

    /**
     * What a check found: the counts it checked, and each violation in words.
     *
     * @param counts figures for the report (samples, prompts, outcomes, versions, jobs, ...)
     */
    public record Report(Map<String, Long> counts, List<String> violations) {

        public boolean holds() {
            return violations.isEmpty();
        }

        public List<String> describe() {
            List<String> lines = new ArrayList<>();
            lines.add("invariants: " + (holds() ? "all hold" : violations.size() + " violated"));
            counts.forEach((name, value) -> lines.add(String.format("  %-36s %d", name, value)));
            violations.forEach(violation -> lines.add("  VIOLATED: " + violation));
            return lines;
        }
    }

    /** Whether the loop has settled: everything fed is stored and prompted, answered, sealed, trained and consumed. */
    public Optional<String> unsettled(LoopWorkload workload) {
        if (!workload.fed()) {
            return Optional.of("the feed still publishes");
        }
        long stored = count(
                "dataset",
                "select count(*) from sample s join dataset d on d.id = s.dataset_id" + " where d.name = '"
                        + workload.dataset() + "'");
        if (stored < workload.published()) {
            return Optional.of(stored + " of " + workload.published() + " samples stored");
        }
        long unprompted = count("dataset", unpromptedSql(workload));
        if (unprompted > 0) {
            return Optional.of(unprompted + " samples without a prompt");
        }
        long unanswered = count("dataset", unansweredSql(workload));
        if (unanswered > 0) {
            return Optional.of(unanswered + " prompts without a pair or drop");
        }
        long unpublishedVersions = count("dataset", "select count(*) from dataset_version where published_at is null");
        if (unpublishedVersions > 0) {
            return Optional.of(unpublishedVersions + " dataset versions not yet announced");
        }
        long openJobs = count("training", "select count(*) from training_job where state in ('QUEUED', 'RUNNING')");
        if (openJobs > 0) {
            return Optional.of(openJobs + " training jobs queued or running");
        }
        long unsentOutbox = count("registry", "select count(*) from outbox_event where published_at is null");
        if (unsentOutbox > 0) {
            return Optional.of(unsentOutbox + " registry events not yet published");
        }
        Map<String, Long> lag = ConsumerLag.byGroup(target.bootstrapServers());
        long total = lag.values().stream().mapToLong(Long::longValue).sum();
        if (total > 0) {
            return Optional.of("consumer lag " + lag);
        }
        return Optional.empty();
    }

    public Report check(LoopWorkload workload) {
        Map<String, Long> counts = new LinkedHashMap<>();
        List<String> violations = new ArrayList<>();
        checkSamplesAndPrompts(workload, counts, violations);
        checkDatasetVersions(counts, violations);
        checkJobs(counts, violations);
        checkModelVersions(counts, violations);
        // The workload publishes no poison: any dead letter is a valid event a consumer gave up on.
        topics.deadLetters().forEach((topic, records) -> {
            counts.put("dead letters " + topic, (long) records);
            if (records > 0) {
                violations.add(records + " records dead-lettered to " + topic);
            }
        });
        Map<String, Long> lag = ConsumerLag.byGroup(target.bootstrapServers());
        counts.put("consumer groups", (long) lag.size());
        lag.forEach((group, records) -> {
            if (records > 0) {
                violations.add("consumer group " + group + " has " + records + " records not consumed");
            }
        });
        return new Report(counts, violations);
    }

    private void checkSamplesAndPrompts(LoopWorkload workload, Map<String, Long> counts, List<String> violations) {
        String dataset = workload.dataset();
        long stored = count(
                "dataset",
                "select count(*) from sample s join dataset d on d.id = s.dataset_id" + " where d.name = '" + dataset
                        + "'");
        long distinct = count(
                "dataset",
                "select count(distinct s.content_hash) from sample s join dataset d"
                        + " on d.id = s.dataset_id where d.name = '" + dataset + "'");
        counts.put("samples published (distinct, acknowledged)", (long) workload.published());
        counts.put("sample publishes retried", (long) workload.publishFailures());
        counts.put("samples stored", stored);
        if (stored != workload.published() || distinct != stored) {
            violations.add(workload.published() + " samples published but " + stored + " stored (" + distinct
                    + " distinct contents)");
        }
        String pipeline = "(select id from pipeline where name = '" + workload.pipeline() + "')";
        counts.put("prompts", count("dataset", "select count(*) from prompt where pipeline_id = " + pipeline));
        counts.put(
                "rounds", count("dataset", "select count(distinct round) from prompt where pipeline_id = " + pipeline));
        counts.put(
                "pairs",
                count(
                        "dataset",
                        "select count(*) from preference_pair where drop_reason is null" + " and pipeline_id = "
                                + pipeline));
        counts.put(
                "drops",
                count(
                        "dataset",
                        "select count(*) from preference_pair where drop_reason is not null" + " and pipeline_id = "
                                + pipeline));
        long unprompted = count("dataset", unpromptedSql(workload));
        if (unprompted > 0) {
            violations.add(unprompted + " samples never got a prompt for the production version");
        }
        long unanswered = count("dataset", unansweredSql(workload));
        if (unanswered > 0) {
            violations.add(unanswered + " prompts have no pair and no counted drop; rounds "
                    + target.query(
                                    "dataset",
                                    "select string_agg(distinct round::text, ',') from prompt q where "
                                            + unansweredCondition(workload))
                            .trim());
        }
        long twice = count(
                "dataset",
                "select count(*) from (select 1 from preference_pair where pipeline_id = " + pipeline
                        + " group by sample_id, model_version, answer_index having count(*) > 1) twice");
        if (twice > 0) {
            violations.add(twice + " prompts have more than one outcome for the same answer");
        }
    }

    private static String unpromptedSql(LoopWorkload workload) {
        return "select count(*) from sample s join dataset d on d.id = s.dataset_id where d.name = '"
                + workload.dataset() + "' and not exists (select 1 from prompt q where q.sample_id = s.id)";
    }

    private static String unansweredSql(LoopWorkload workload) {
        return "select count(*) from prompt q where " + unansweredCondition(workload);
    }

    private static String unansweredCondition(LoopWorkload workload) {
        return "q.pipeline_id = (select id from pipeline where name = '" + workload.pipeline() + "')"
                + " and not exists (select 1 from preference_pair p where p.pipeline_id = q.pipeline_id"
                + " and p.sample_id = q.sample_id and p.model_version = q.model_version)";
    }

    private void checkDatasetVersions(Map<String, Long> counts, List<String> violations) {
        ObjectStore store = target.objectStore();
        Map<String, List<DatasetVersionEvent>> announced = new HashMap<>();
        for (DatasetVersionEvent event : topics.read(Topic.DATASET_VERSIONS.topicName(), DatasetVersionEvent.class)) {
            announced
                    .computeIfAbsent(event.dataset() + "/" + event.version(), key -> new ArrayList<>())
                    .add(event);
        }
        long versions = 0;
        for (String row : rows(
                "dataset",
                "select d.name, v.number, v.train_sha256, v.eval_sha256, v.manifest_sha256,"
                        + " v.published_at is not null from dataset_version v join dataset d on d.id = v.dataset_id"
                        + " where v.pipeline_id is not null order by v.id")) {
            String[] column = row.split("\\|", -1);
            String name = column[0] + "/" + column[1];
            String prefix = "datasets/" + column[0] + "/versions/" + column[1] + "/";
            versions++;
            Map<String, String> actual = new LinkedHashMap<>();
            for (String file : List.of("train.jsonl", "eval.jsonl", "manifest.json")) {
                actual.put(file, sha256(store, prefix + file).orElse("missing"));
            }
            expectSha(
                    violations, "dataset version " + name + " train.jsonl (row)", column[2], actual.get("train.jsonl"));
            expectSha(violations, "dataset version " + name + " eval.jsonl (row)", column[3], actual.get("eval.jsonl"));
            expectSha(
                    violations,
                    "dataset version " + name + " manifest.json (row)",
                    column[4],
                    actual.get("manifest.json"));
            manifestFiles(store, prefix + "manifest.json")
                    .forEach((file, sha) -> expectSha(
                            violations, "dataset version " + name + " " + file + " (manifest)", sha, actual.get(file)));
            List<DatasetVersionEvent> events = announced.getOrDefault(name, List.of());
            if ("t".equals(column[5]) && events.isEmpty()) {
                violations.add("dataset version " + name + " is marked published but no event announced it");
            }
            for (DatasetVersionEvent event : events) {
                expectSha(
                        violations,
                        "dataset version " + name + " train.jsonl (event)",
                        event.train().sha256(),
                        actual.get("train.jsonl"));
                expectSha(
                        violations,
                        "dataset version " + name + " eval.jsonl (event)",
                        event.eval().sha256(),
                        actual.get("eval.jsonl"));
                expectSha(
                        violations,
                        "dataset version " + name + " manifest.json (event)",
                        event.manifest().sha256(),
                        actual.get("manifest.json"));
            }
        }
        counts.put("dataset versions sealed", versions);
        counts.put("dataset-version events", (long)
                announced.values().stream().mapToInt(List::size).sum());
    }

    private Map<String, String> manifestFiles(ObjectStore store, String key) {
        Map<String, String> files = new LinkedHashMap<>();
        try (InputStream in = store.open(key)) {
            JsonNode manifest = EventJson.mapper().readTree(in);
            JsonNode listed = manifest.path("files");
            listed.fields().forEachRemaining(entry -> {
                if (entry.getValue().hasNonNull("sha256")) {
                    files.put(entry.getKey(), entry.getValue().get("sha256").asText());
                }
            });
        } catch (IOException | RuntimeException e) {
            files.put("manifest.json", "unreadable: " + e.getMessage());
        }
        return files;
    }

    private void checkJobs(Map<String, Long> counts, List<String> violations) {
        Map<String, Long> byState = new LinkedHashMap<>();
        for (String row : rows("training", "select state, count(*) from training_job group by state order by state")) {
            String[] column = row.split("\\|");
            byState.put(column[0], Long.parseLong(column[1]));
        }
        byState.forEach((state, n) -> counts.put("training jobs " + state, n));
        long open = byState.getOrDefault("QUEUED", 0L) + byState.getOrDefault("RUNNING", 0L);
        if (open > 0) {
            violations.add(open + " training jobs never ended (queued or running)");
        }
        long failedWithoutReason = count(
                "training",
                "select count(*) from training_job where state = 'FAILED'" + " and coalesce(reason, error) is null");
        if (failedWithoutReason > 0) {
            violations.add(failedWithoutReason + " training jobs FAILED without a reason");
        }
        long announcedVersions = count(
                "dataset",
                "select count(*) from dataset_version where pipeline_id is not null" + " and published_at is not null");
        long jobs = count("training", "select count(*) from training_job where origin = 'DATASET_VERSION'");
        counts.put("training jobs from dataset versions", jobs);
        if (jobs < announcedVersions) {
            violations.add(
                    announcedVersions + " dataset versions were announced but only " + jobs + " training jobs exist");
        }
        Map<String, Integer> trainedEvents = new HashMap<>();
        for (TrainedModelEvent event : topics.read(Topic.TRAINED_MODELS.topicName(), TrainedModelEvent.class)) {
            trainedEvents.merge(event.jobId(), 1, Integer::sum);
        }
        counts.put("trained-model events", (long)
                trainedEvents.values().stream().mapToInt(Integer::intValue).sum());
        counts.put(
                "trained-model events repeated (at-least-once)",
                trainedEvents.values().stream().filter(n -> n > 1).count());
        for (String job : trainedEvents.keySet()) {
            String state = target.query(
                            "training", "select state from training_job where id = '" + job.replace("'", "") + "'")
                    .trim();
            if (!state.equals("SUCCEEDED")) {
                violations.add("job " + job + " announced a trained model but its state is '" + state + "'");
            }
        }
        long registeredTwice = count(
                "registry",
                "select count(*) from (select job_id from model_version where"
                        + " job_id is not null group by job_id having count(*) > 1) twice");
        counts.put(
                "model versions registered from jobs",
                count("registry", "select count(*) from model_version where job_id is not null"));
        if (registeredTwice > 0) {
            violations.add(registeredTwice + " training jobs registered more than once");
        }
    }

    private void checkModelVersions(Map<String, Long> counts, List<String> violations) {
        ObjectStore store = target.objectStore();
        Map<String, ModelVersionEvent> registered = new HashMap<>();
        for (ModelVersionEvent event : topics.read(Topic.MODEL_VERSIONS.topicName(), ModelVersionEvent.class)) {
            if (event.action() == ModelVersionAction.REGISTERED && event.artifact() != null) {
                registered.putIfAbsent(event.model() + "/" + event.version(), event);
            }
        }
        long files = 0;
        for (String row : rows(
                "registry",
                "select m.name, v.version, v.state, v.artifact_uri, f.path, f.sha256"
                        + " from model_version v join registered_model m on m.id = v.model_id"
                        + " join model_version_file f on f.version_id = v.id where v.state = 'READY' order by v.id, f.path")) {
            String[] column = row.split("\\|", -1);
            String version = column[0] + "/" + column[1];
            String key = keyOf(column[3]) + column[4];
            String actual = sha256(store, key).orElse("missing");
            files++;
            expectSha(
                    violations, "model version " + version + " " + column[4] + " (registry)", column[5].trim(), actual);
            ModelVersionEvent event = registered.get(version);
            if (event != null) {
                event.artifact().files().stream()
                        .filter(file -> file.uri().endsWith("/" + column[4]))
                        .map(ObjectRef::sha256)
                        .forEach(sha -> expectSha(
                                violations,
                                "model version " + version + " " + column[4] + " (announced)",
                                sha,
                                actual));
            }
        }
        counts.put("model version files verified", files);
        List<String> production = rows(
                "registry",
                "select m.name, v.version, v.state from model_alias a"
                        + " join model_version v on v.id = a.version_id join registered_model m on m.id = a.model_id"
                        + " where upper(a.alias) = 'PRODUCTION'");
        counts.put("production aliases", (long) production.size());
        for (String row : production) {
            String[] column = row.split("\\|", -1);
            if (!column[2].equals("READY")) {
                violations.add("production of " + column[0] + " names version " + column[1] + " in state " + column[2]);
            }
        }
        productionViolation().ifPresent(violations::add);
    }

    /**
     * Whether the production alias of every model names a READY version whose every file exists; checked during a
     * run too, since it must hold at every moment, not only at the end.
     */
    public Optional<String> productionViolation() {
        ObjectStore store = target.objectStore();
        for (String row : rows(
                "registry",
                "select m.name, v.version, v.state, v.artifact_uri, f.path"
                        + " from model_alias a join model_version v on v.id = a.version_id"
                        + " join registered_model m on m.id = a.model_id"
                        + " left join model_version_file f on f.version_id = v.id where upper(a.alias) = 'PRODUCTION'")) {
            String[] column = row.split("\\|", -1);
            if (!column[2].equals("READY")) {
                return Optional.of(
                        "production of " + column[0] + " is version " + column[1] + " in state " + column[2]);
            }
            if (column[4].isEmpty()) {
                return Optional.of("production of " + column[0] + " (version " + column[1] + ") lists no files");
            }
            if (store.size(keyOf(column[3]) + column[4]).isEmpty()) {
                return Optional.of("production of " + column[0] + " (version " + column[1] + ") lacks " + column[4]);
            }
        }
        return Optional.empty();
    }

    private static String keyOf(String uri) {
        // s3://bucket/key...
        String withoutScheme = uri.substring(ObjectRef.SCHEME.length());
        String key = withoutScheme.substring(withoutScheme.indexOf('/') + 1);
        return key.endsWith("/") ? key : key + "/";
    }

    private static Optional<String> sha256(ObjectStore store, String key) {
        if (store.size(key).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(store.sha256(store.location(key)));
    }

    private static void expectSha(List<String> violations, String what, String expected, String actual) {
        if (!expected.equals(actual)) {
            violations.add(what + ": expected sha256 " + expected + ", the object store has " + actual);
        }
    }

    private long count(String area, String sql) {
        String out = target.query(area, sql).trim();
        try {
            return Long.parseLong(out);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("not a count from " + area + " (" + sql + "): " + out, e);
        }
    }

    private List<String> rows(String area, String sql) {
        return target.query(area, sql).lines().filter(line -> !line.isBlank()).toList();
    }
}
