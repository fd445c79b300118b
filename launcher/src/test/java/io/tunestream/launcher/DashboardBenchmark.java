package io.tunestream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.events.EventJson;
import io.tunestream.events.SamplingParameters;
import io.tunestream.events.TrainedModelEvent;
import io.tunestream.infra.PostgresAdmin;
import io.tunestream.launcher.StackClient.Stamped;
import io.tunestream.llm.bootstrap.ScratchModel;
import io.tunestream.llm.bootstrap.ScratchModelSpec;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.TaskFamily;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard's page loads against a stack with 100 model versions and a DPO job with 10,000 metric rows, in a real
 * headless Chromium, from the packaged services on the embedded stack.
 *
 * <p>The data: a tiny model imported as version 1 (REST), a DPO pipeline whose round trains a real DPO job (its
 * TrainedModelEvent registers version 2). Versions 3 to 100 are registered by the registry's own consumer from 98
 * copies of that job's real {@code TrainedModelEvent} (new event and job ids, same checkpoint files): the REST API
 * imports only version 1, and training 98 jobs would take an hour. The job's 10,000 metric rows are its real rows
 * plus copies of them at later steps, inserted into the training-service's database with one SQL statement (no API
 * writes metric rows; see {@link #addMetricRows}).
 *
 * <p>Per page (overview, model, job, datasets, playground) and per load, from the browser's own clocks: the time
 * from navigation start until the page marked its data drawn ({@code performance.mark('tunestream:drawn')}, set by
 * {@code js/app.js} once the page's render finished), the document's response end and DOMContentLoaded, and the
 * requests and bytes the load fetched, the slowest API call (Resource Timing), and for the job page the time its
 * charts below the fold were drawn too ({@code tunestream:complete}). "first" is a load with the browser cache cleared, "repeat" a load of a new
 * document with the cache kept (the usual visit). Each load is also checked for its content (100 version rows, one
 * loss point per metric row). The figures are printed as a table; they are not asserted.
 *
 * <p>The key's rate limit is raised (gateway {@code rate-limit.requests-per-second=1000}) so that what is timed is
 * the pages, not the limiter.
 *
 * <p>Opt-in, after packaging the services ({@code ./mvnw -B -DskipTests package}):
 * {@code ./mvnw -B verify -pl launcher -Dtest=DashboardBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DskipITs
 * -Dtunestream.bench.dashboard=true}; {@code -Dtunestream.bench.dashboard.loads=N} repeat loads per page (5).
 */
@EnabledIfSystemProperty(named = "tunestream.bench.dashboard", matches = "true")
class DashboardBenchmark {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    private static final String MODEL = "bench-llama";
    private static final int ROUND = 16;
    private static final int MAX_STEPS = 30;
    private static final int VERSIONS = 100;
    private static final int METRIC_ROWS = 10_000;
    private static final Duration WAIT = Duration.ofMinutes(5);
    private static final String[] SERVICES = {
        "gateway", "dataset-service", "generation-service", "training-service", "registry-service"
    };

    @TempDir
    Path work;

    @TempDir
    Path home;

    private final int loads = Integer.getInteger("tunestream.bench.dashboard.loads", 5);
    private final PostgresAdmin postgres = PostgresAdmin.local();
    private final String adminKey = "ts_" + UUID.randomUUID().toString().replace("-", "");

    private StackSettings settings;
    private Stack stack;
    private StackClient client;
    private ChromeDriver browser;

    @AfterEach
    void stopBrowserAndStack() {
        if (browser != null) {
            browser.quit();
        }
        if (settings != null) {
            TestStacks.tearDown(stack, postgres, settings);
        }
    }

    @Test
    void pagesLoadWithOneHundredVersionsAndTenThousandMetricRows() throws Exception {
        Path corpus = work.resolve("corpus");
        SyntheticCorpus.write(corpus, new CorpusSpec(23, 10, 0, 1, EnumSet.allOf(TaskFamily.class)));
        Path models = work.resolve("models");
        ScratchModel.create(
                models.resolve(MODEL),
                corpus.resolve(SyntheticCorpus.SFT_FILE),
                new ScratchModelSpec(23, 300, 32, 1, 2, 1, 64, 256));
        settings = TestStacks.freeSettings("ts_dbench")
                .withEnvironment(
                        "gateway",
                        Map.of(
                                Stack.GATEWAY_ADMIN_KEY_VARIABLE,
                                adminKey,
                                "TUNESTREAM_GATEWAY_RATE_LIMIT_REQUESTS_PER_SECOND",
                                "1000"))
                .withEnvironment("generation-service", Map.of("TUNESTREAM_GENERATION_MODEL", MODEL))
                .withEnvironment(
                        "registry-service",
                        Map.of("TUNESTREAM_REGISTRY_IMPORTING_ALLOWED_DIRECTORIES", models.toString()))
                .withEnvironment(
                        "training-service",
                        Map.of(
                                "TUNESTREAM_TRAINING_DEFAULTS_MAX_STEPS", String.valueOf(MAX_STEPS),
                                "TUNESTREAM_TRAINING_DEFAULTS_BATCH_SIZE", "2",
                                "TUNESTREAM_TRAINING_DEFAULTS_EVAL_EVERY", "10",
                                "TUNESTREAM_TRAINING_DEFAULTS_MAX_LENGTH", "64",
                                "TUNESTREAM_TRAINING_RUNNER_POLL_INTERVAL", "1s"))
                .withEnvironment("dataset-service", Map.of("TUNESTREAM_DATASET_SEALING_EVAL_FRACTION", "0.25"));
        StackLayout layout = new StackLayout(REPOSITORY, home);
        client = new StackClient(settings, layout);
        stack = new Stack(layout, postgres, settings);
        assertThat(stack.up(new PrintStream(new ByteArrayOutputStream()))).isTrue();

        // Version 1 and a DPO round whose real job trains version 2.
        assertThat(gateway(
                                "POST",
                                "/api/v1/models/" + MODEL + "/import",
                                "{\"directory\": \"" + models.resolve(MODEL) + "\"}")
                        .statusCode())
                .isEqualTo(201);
        assertThat(gateway("PUT", "/api/v1/models/" + MODEL + "/policy", "{\"mode\": \"manual\"}")
                        .statusCode())
                .isEqualTo(200);
        String dataset = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(gateway("POST", "/api/v1/datasets", "{\"name\": \"" + dataset + "\", \"kind\": \"sft\"}")
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> upload =
                client.send(HttpRequest.newBuilder(gatewayUri("/api/v1/datasets/" + dataset + "/uploads"))
                        .header("Authorization", "Bearer " + adminKey)
                        .header("content-type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofFile(corpus.resolve(SyntheticCorpus.SFT_FILE)))
                        .build());
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        client.awaitConsumed("dataset-service.model-versions", "tunestream.model-versions", WAIT);
        String sampling = EventJson.mapper()
                .writeValueAsString(new SamplingParameters(1.0, null, null, 24, 1, List.of(), null, null, 7L));
        HttpResponse<String> created = gateway(
                "POST",
                "/api/v1/pipelines",
                "{\"name\": \"" + dataset + "-dpo\", \"dataset\": \"" + dataset + "\", \"model\": \"" + MODEL
                        + "\", \"recipe\": \"dpo\", \"sampling\": " + sampling + ", \"trigger\": {\"everyNew\": "
                        + ROUND + "}, \"roundCap\": " + ROUND + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        await("the round's DPO job", () -> job(dataset) != null, "dataset-service", "generation-service");
        String jobId = job(dataset).get("id").asText();
        await(
                "job " + jobId + " to succeed",
                () -> {
                    String state = job(dataset).get("state").asText();
                    assertThat(state).as(job(dataset).toString()).isNotIn("FAILED", "CANCELLED");
                    return state.equals("SUCCEEDED");
                },
                "training-service");
        await("version 2", () -> versionCount() == 2, "registry-service");

        addVersions(jobId);
        addMetricRows(jobId);
        int rows = gatewayJson("/api/v1/jobs/" + jobId + "/metrics").size();
        long edges =
                gatewayJson("/api/v1/models/" + MODEL + "/lineage").get("edges").size();
        assertThat(rows).isEqualTo(METRIC_ROWS);

        browser = chromium();
        browser.get(gatewayUri("/").toString());
        await("the sign-in form", () -> !browser.findElements(By.id("key")).isEmpty());
        browser.findElement(By.id("key")).sendKeys(adminKey);
        browser.findElement(By.id("signin")).click();
        await(
                "the overview",
                () -> !browser.findElements(By.cssSelector("[data-pipeline]")).isEmpty());

        Map<String, Page> pages = new LinkedHashMap<>();
        pages.put(
                "overview",
                new Page(
                        "/#/",
                        () -> !browser.findElements(By.cssSelector("[data-pipeline]"))
                                .isEmpty()));
        pages.put(
                "model",
                new Page(
                        "/#/models/" + MODEL,
                        () -> browser.findElements(By.cssSelector("tr[data-version]"))
                                                .size()
                                        == VERSIONS
                                && Long.valueOf(edges).equals(script(linksLength()))));
        pages.put("job", new Page("/#/jobs/" + jobId, () -> Long.valueOf(rows).equals(script(lossPoints())), true));
        pages.put(
                "datasets",
                new Page(
                        "/#/datasets",
                        () -> !browser.findElements(By.cssSelector("[data-dataset]"))
                                .isEmpty()));
        pages.put(
                "playground",
                new Page(
                        "/#/playground",
                        () -> !browser.findElements(By.id("chat-send")).isEmpty()));

        Map<String, List<Load>> first = new LinkedHashMap<>();
        Map<String, List<Load>> repeat = new LinkedHashMap<>();
        pages.keySet().forEach(page -> {
            first.put(page, new ArrayList<>());
            repeat.put(page, new ArrayList<>());
        });
        // One warm-up round (the services' and the browser's first calls), then the measured rounds, pages
        // interleaved so that a busy moment of the machine does not fall on one page only.
        pages.values().forEach(page -> load(page, false));
        for (int round = 0; round < loads; round++) {
            for (Map.Entry<String, Page> page : pages.entrySet()) {
                repeat.get(page.getKey()).add(load(page.getValue(), false));
            }
        }
        for (int round = 0; round < 2; round++) {
            for (Map.Entry<String, Page> page : pages.entrySet()) {
                first.get(page.getKey()).add(load(page.getValue(), true));
            }
        }
        System.out.printf(
                Locale.ROOT,
                "DASHBOARD BENCHMARK %d model versions, %d lineage edges, job %s with %d metric rows; Chromium %s%n",
                versionCount(),
                edges,
                jobId,
                rows,
                browser.getCapabilities().getBrowserVersion());
        System.out.println("| page | load | drawn ms (median, max) | all charts drawn ms | slowest API call ms"
                + " | response end ms | DOMContentLoaded ms | requests | transferred KiB | body KiB |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (String page : pages.keySet()) {
            System.out.println(row(page, "repeat ×" + loads, repeat.get(page)));
            System.out.println(row(page, "first ×2", first.get(page)));
        }
        // How the long history reads, at both sizes: target/dashboard-screenshots/bench-{model,job}-*.png.
        for (String page : List.of("model", "job")) {
            load(pages.get(page), false);
            shoot("bench-" + page);
        }
    }

    /** The page at 1280x800 and at 390x844, as PNG files under target/dashboard-screenshots/. */
    private void shoot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        for (Dimension size : List.of(new Dimension(1280, 800), new Dimension(390, 844))) {
            browser.manage().window().setSize(size);
            await(
                    "the layout at " + size,
                    () -> Long.valueOf(size.width).compareTo((Long) script("return window.innerWidth")) >= 0);
            browser.executeAsyncScript(
                    "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(done));");
            File png = browser.getScreenshotAs(OutputType.FILE);
            Files.copy(
                    png.toPath(),
                    SCREENSHOTS.resolve(name + "-" + size.width + "x" + size.height + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        browser.manage().window().setSize(new Dimension(1280, 800));
    }

    /**
     * Versions 3 to 100: 98 copies of the job's real TrainedModelEvent, each with its own event and job id (the
     * registry registers a job once), published to {@code tunestream.trained-models} for the registry to register
     * as it registers any trained model (files copied, lineage recorded, the manual policy's candidate alias moved).
     */
    private void addVersions(String jobId) throws Exception {
        TrainedModelEvent trained = client.events("tunestream.trained-models", TrainedModelEvent.class).stream()
                .map(Stamped::event)
                .filter(event -> event.jobId().equals(jobId))
                .findFirst()
                .orElseThrow();
        List<TrainedModelEvent> copies = new ArrayList<>();
        for (int copy = 3; copy <= VERSIONS; copy++) {
            String copyJob = jobId + "-copy-" + copy;
            copies.add(new TrainedModelEvent(
                    UUID.randomUUID().toString(),
                    TrainedModelEvent.SCHEMA_VERSION,
                    Instant.now(),
                    copyJob,
                    trained.model(),
                    trained.recipe(),
                    trained.hyperparameters(),
                    trained.adapter(),
                    trained.mergedModel(),
                    trained.evalMetric(),
                    trained.candidateMetrics(),
                    trained.parentMetrics(),
                    trained.lineage().withTraining(copyJob, trained.lineage().parentModelVersion()),
                    trained.evaluation(),
                    trained.steps(),
                    trained.chosenStep()));
        }
        client.publish(URI.create("/benchmark"), copies.toArray(TrainedModelEvent[]::new));
        await("100 versions", () -> versionCount() == VERSIONS, "registry-service");
    }

    /**
     * The job's real metric rows plus copies of them, in order, at the steps after its last, up to 10,000 rows: the
     * same metric names (loss, learning rate, rewards/*, logps/*, eval/* at the eval steps, throughput) as a long
     * DPO run writes. Inserted with SQL since no API writes metric rows (the training runner does, step by step).
     */
    private void addMetricRows(String jobId) {
        postgres.psql(
                "\\connect " + settings.databaseName("training") + "\n" + """
                        with real as (
                            select m.*, row_number() over (order by step) - 1 as k, count(*) over () as n,
                                   max(step) over () as last
                            from training_metric m where job_id = :'job')
                        insert into training_metric (id, job_id, step, loss, learning_rate, metrics, recorded_at)
                        select 900000000 + g, :'job', real.last + g, real.loss, real.learning_rate, real.metrics,
                               real.recorded_at + g * interval '1 second'
                        from generate_series(1, %d - (select count(*) from real)) g
                        join real on real.k = (g - 1) %% real.n;
                        """.formatted(METRIC_ROWS),
                Map.of("job", jobId));
    }

    /** A page, what shows it drawn, and whether it draws some charts after its first view ("all charts drawn"). */
    private record Page(String path, BooleanSupplier drawn, boolean deferredCharts) {

        Page(String path, BooleanSupplier drawn) {
            this(path, drawn, false);
        }
    }

    /** One load's figures from the page's Navigation Timing, Resource Timing and its drawn mark. */
    private record Load(
            double drawn,
            double responseEnd,
            double domContentLoaded,
            long requests,
            long transferred,
            long body,
            double slowestApiCall,
            double complete) {}

    /** A new document at the page (its cache cleared first when {@code cold}), waited for until its data is drawn. */
    private Load load(Page page, boolean cold) {
        browser.get("about:blank");
        if (cold) {
            browser.executeCdpCommand("Network.clearBrowserCache", Map.of());
        }
        browser.get(gatewayUri(page.path()).toString());
        await(
                page.path() + " drawn",
                () -> page.drawn().getAsBoolean()
                        && Boolean.TRUE.equals(
                                script("return performance.getEntriesByName('tunestream:drawn').length > 0")));
        if (page.deferredCharts()) {
            await(
                    page.path() + " all charts drawn",
                    () -> Boolean.TRUE.equals(
                            script("return performance.getEntriesByName('tunestream:complete').length > 0")));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> figures = (Map<String, Object>) script("""
                const navigation = performance.getEntriesByType('navigation')[0];
                const resources = performance.getEntriesByType('resource');
                return {
                  drawn: performance.getEntriesByName('tunestream:drawn')[0].startTime,
                  responseEnd: navigation.responseEnd,
                  domContentLoaded: navigation.domContentLoadedEventEnd,
                  requests: resources.length + 1,
                  transferred: navigation.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
                  body: navigation.decodedBodySize + resources.reduce((sum, r) => sum + r.decodedBodySize, 0),
                  api: Math.max(0, ...resources
                      .filter((r) => r.name.includes('/api/') || r.name.includes('/v1/'))
                      .map((r) => r.responseEnd - r.startTime)),
                  complete: performance.getEntriesByName('tunestream:complete')[0]?.startTime ?? -1,
                };
                """);
        return new Load(
                ((Number) figures.get("drawn")).doubleValue(),
                ((Number) figures.get("responseEnd")).doubleValue(),
                ((Number) figures.get("domContentLoaded")).doubleValue(),
                ((Number) figures.get("requests")).longValue(),
                ((Number) figures.get("transferred")).longValue(),
                ((Number) figures.get("body")).longValue(),
                ((Number) figures.get("api")).doubleValue(),
                ((Number) figures.get("complete")).doubleValue());
    }

    private static String row(String page, String kind, List<Load> loads) {
        List<Double> drawn = loads.stream().map(Load::drawn).sorted().toList();
        Load last = loads.get(loads.size() - 1);
        return String.format(
                Locale.ROOT,
                "| %s | %s | %.0f, %.0f | %s | %.0f | %.0f | %.0f | %d | %.0f | %.0f |",
                page,
                kind,
                median(drawn),
                drawn.get(drawn.size() - 1),
                loads.get(0).complete() < 0
                        ? "="
                        : String.format(
                                Locale.ROOT,
                                "%.0f",
                                median(loads.stream()
                                        .map(Load::complete)
                                        .sorted()
                                        .toList())),
                median(loads.stream().map(Load::slowestApiCall).sorted().toList()),
                median(loads.stream().map(Load::responseEnd).sorted().toList()),
                median(loads.stream().map(Load::domContentLoaded).sorted().toList()),
                last.requests(),
                last.transferred() / 1024.0,
                last.body() / 1024.0);
    }

    private static double median(List<Double> sorted) {
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private ChromeDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("dashboard.chromium", "/usr/bin/chromium"));
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("dashboard.chromedriver", "/usr/bin/chromedriver")))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1280, 800));
        return driver;
    }

    private static String lossPoints() {
        return "const box = document.querySelector('[data-chart=loss]');"
                + " const chart = box && echarts.getInstanceByDom(box);"
                + " return chart ? chart.getOption().series[0].data.length : -1;";
    }

    private static String linksLength() {
        return "const box = document.querySelector('[data-chart=lineage]');"
                + " const chart = box && echarts.getInstanceByDom(box);"
                + " return chart ? chart.getOption().series[0].links.length : -1;";
    }

    private Object script(String script) {
        return browser.executeScript(script);
    }

    private void await(String what, BooleanSupplier condition, String... services) {
        client.awaitWithLogs(what, WAIT, condition, services.length == 0 ? SERVICES : services);
    }

    private int versionCount() {
        return gatewayJson("/api/v1/models/" + MODEL + "/versions").size();
    }

    private JsonNode job(String dataset) {
        return StreamSupport.stream(gatewayJson("/api/v1/jobs").spliterator(), false)
                .filter(job -> job.get("dataset").asText().equals(dataset))
                .findFirst()
                .orElse(null);
    }

    private URI gatewayUri(String path) {
        return URI.create("http://127.0.0.1:" + settings.servicePorts().get("gateway") + path);
    }

    private HttpResponse<String> gateway(String method, String path, String json) {
        return client.send(HttpRequest.newBuilder(gatewayUri(path))
                .header("Authorization", "Bearer " + adminKey)
                .header("content-type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    private JsonNode gatewayJson(String path) {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(gatewayUri(path))
                .header("Authorization", "Bearer " + adminKey)
                .GET()
                .build());
        assertThat(response.statusCode())
                .as("GET " + path + ": " + response.body())
                .isEqualTo(200);
        return StackClient.json(response.body());
    }
}
