package io.tunestream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.events.EventJson;
import io.tunestream.events.SamplingParameters;
import io.tunestream.infra.PostgresAdmin;
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
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The dashboard in a real headless Chromium against the packaged services on the embedded stack: sign in with a key,
 * watch a running pipeline's counts change without a reload, open its DPO job and find a loss plot with one point per
 * metric row, open the model and find its versions and lineage edges, see a rejected upload's located errors, chat and
 * see the answer arrive in parts; a read-only key is offered no action; the browser console has no errors. Screenshots
 * of each page at 1280x800 and 390x844 go to {@code target/dashboard-screenshots/}. Page loads with 100 versions and
 * 10,000 metric rows are timed by the opt-in {@link DashboardBenchmark}.
 */
class DashboardIT {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    private static final String MODEL = "dash-llama";
    private static final int ROUND = 16;
    private static final int MAX_STEPS = 30;
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final String[] SERVICES = {
        "gateway", "dataset-service", "generation-service", "training-service", "registry-service"
    };

    @TempDir
    Path home;

    @TempDir
    Path work;

    private final PostgresAdmin postgres = PostgresAdmin.local();
    private final String adminKey = "ts_" + UUID.randomUUID().toString().replace("-", "");
    /** The test's own key for its API calls and waits: the browser's key keeps the default rate limit to itself. */
    private String testKey;

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
    void aKeyHolderSeesAndSteersTheLoopInABrowser() throws Exception {
        Path corpus = work.resolve("corpus");
        SyntheticCorpus.write(corpus, new CorpusSpec(23, 10, 0, 1, EnumSet.allOf(TaskFamily.class)));
        Path models = work.resolve("models");
        ScratchModel.create(
                models.resolve(MODEL),
                corpus.resolve(SyntheticCorpus.SFT_FILE),
                new ScratchModelSpec(23, 300, 32, 1, 2, 1, 64, 256));
        settings = TestStacks.freeSettings("ts_dash")
                .withEnvironment("gateway", Map.of(Stack.GATEWAY_ADMIN_KEY_VARIABLE, adminKey))
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
        testKey = createKey(adminKey, "dash-test", "[\"read\", \"write\", \"admin\"], \"requestsPerSecond\": 1000");

        // The base model (version 1, production) and an SFT dataset, through the gateway.
        HttpResponse<String> imported = gateway(
                "POST", "/api/v1/models/" + MODEL + "/import", "{\"directory\": \"" + models.resolve(MODEL) + "\"}");
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        assertThat(gateway("PUT", "/api/v1/models/" + MODEL + "/policy", "{\"mode\": \"manual\"}")
                        .statusCode())
                .isEqualTo(200);
        String dataset = "dash-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(gateway("POST", "/api/v1/datasets", "{\"name\": \"" + dataset + "\", \"kind\": \"sft\"}")
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> upload =
                client.send(HttpRequest.newBuilder(gatewayUri("/api/v1/datasets/" + dataset + "/uploads"))
                        .header("Authorization", "Bearer " + testKey)
                        .header("content-type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofFile(corpus.resolve(SyntheticCorpus.SFT_FILE)))
                        .build());
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        client.awaitConsumed("dataset-service.model-versions", "tunestream.model-versions", WAIT);

        browser = chromium();
        // Sign in: the page itself is served without a key; the key goes to sessionStorage only.
        browser.get(gatewayUri("/").toString());
        waitFor("the sign-in form", () -> !browser.findElements(By.id("key")).isEmpty());
        shoot("signin");
        browser.findElement(By.id("key")).sendKeys(adminKey);
        browser.findElement(By.id("signin")).click();
        waitFor("the overview", () -> text("#updated").startsWith("Live"));
        assertThat(script("return sessionStorage.getItem('tunestream.key')")).isEqualTo(adminKey);
        assertThat(script("return localStorage.length")).isEqualTo(0L);
        assertThat(navLabels()).containsExactly("Overview", "Jobs", "Datasets", "Playground");

        // A pipeline started now: its card's counts change on the open page, which is never reloaded.
        script("window.dashboardNotReloaded = true");
        String pipeline = dataset + "-dpo";
        String sampling = EventJson.mapper()
                .writeValueAsString(new SamplingParameters(1.0, null, null, 24, 1, List.of(), null, null, 7L));
        HttpResponse<String> created = gateway(
                "POST",
                "/api/v1/pipelines",
                "{\"name\": \"" + pipeline + "\", \"dataset\": \"" + dataset + "\", \"model\": \"" + MODEL
                        + "\", \"recipe\": \"dpo\", \"sampling\": " + sampling + ", \"trigger\": {\"everyNew\": "
                        + ROUND + "}, \"roundCap\": " + ROUND + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String card = "[data-pipeline='" + pipeline + "']";
        Set<String> seen = new LinkedHashSet<>();
        client.awaitWithLogs(
                "the pipeline's counts to change on the page and its round to be answered",
                WAIT,
                () -> {
                    if (browser.findElements(By.cssSelector(card)).isEmpty()) {
                        return false;
                    }
                    String counts = field(card, "round") + "|" + field(card, "sent") + "|" + field(card, "answered")
                            + "|" + field(card, "pairs");
                    seen.add(counts);
                    return seen.size() >= 2 && field(card, "answered").equals(String.valueOf(ROUND));
                },
                "dataset-service",
                "generation-service");
        System.out.println("DASHBOARD pipeline counts seen (round|sent|answered|pairs): " + seen);
        assertThat(field(card, "pairs"))
                .as("every answer a pair: " + text(card + " .drops"))
                .isEqualTo(String.valueOf(ROUND));
        assertThat(script("return window.dashboardNotReloaded === true")).isEqualTo(true);
        shoot("overview");

        // The round's DPO job: its page while it runs, then a loss plot with one point per metric row.
        client.awaitWithLogs(
                "a DPO job for " + dataset, WAIT, () -> job(dataset) != null, "training-service", "dataset-service");
        String jobId = job(dataset).get("id").asText();
        browser.get(gatewayUri("/#/jobs/" + jobId).toString());
        waitFor(
                "the job page",
                () -> !browser.findElements(By.cssSelector("[data-chart=loss]")).isEmpty());
        client.awaitWithLogs(
                "job " + jobId + " to succeed",
                WAIT,
                () -> {
                    String state = job(dataset).get("state").asText();
                    assertThat(state).as(job(dataset).toString()).isNotIn("FAILED", "CANCELLED");
                    return state.equals("SUCCEEDED");
                },
                "training-service");
        int metricRows = gatewayJson("/api/v1/jobs/" + jobId + "/metrics").size();
        assertThat(metricRows).as("one metric row per step").isEqualTo(MAX_STEPS);
        waitFor(
                "the loss plot to hold every metric row",
                () -> Long.valueOf(metricRows).equals(script(seriesLength("loss"))));
        waitFor("the final state", () -> text(".progress-head .badge").equals("SUCCEEDED"));
        assertThat(browser.findElements(By.cssSelector("[data-chart=rewards]")))
                .as("the DPO rewards plot")
                .hasSize(1);
        assertThat(browser.findElements(By.id("cancel")))
                .as("no cancel for a finished job")
                .isEmpty();
        shoot("job");

        // The model page: the versions table and the lineage graph's edges, as the registry lists them.
        client.awaitWithLogs(
                "version 2 registered from the job, with its lineage",
                WAIT,
                () -> gatewayJson("/api/v1/models/" + MODEL + "/lineage")
                                .get("edges")
                                .size()
                        >= 3,
                "registry-service");
        int versions = gatewayJson("/api/v1/models/" + MODEL + "/versions").size();
        int edges =
                gatewayJson("/api/v1/models/" + MODEL + "/lineage").get("edges").size();
        assertThat(edges).as("parent, trained-on and generated-by edges").isGreaterThanOrEqualTo(3);
        browser.get(gatewayUri("/#/models/" + MODEL).toString());
        waitFor(
                "the versions table",
                () -> browser.findElements(By.cssSelector("tr[data-version]")).size() == versions);
        waitFor("the lineage graph", () -> Long.valueOf(edges).equals(script(linksLength())));
        assertThat(browser.findElements(By.cssSelector("[data-action=promote]")))
                .as("promote offered to an admin key")
                .isNotEmpty();
        shoot("model");

        // A rejected upload: the located errors exactly as the API answers them.
        Path bad = work.resolve("bad.jsonl");
        List<String> good = Files.readAllLines(corpus.resolve(SyntheticCorpus.SFT_FILE));
        Files.write(bad, List.of(good.get(0), "{\"messages\": \"not a list\"}", good.get(1), "{\"prompt\": 42}"));
        HttpResponse<String> refused =
                client.send(HttpRequest.newBuilder(gatewayUri("/api/v1/datasets/" + dataset + "/uploads"))
                        .header("Authorization", "Bearer " + testKey)
                        .header("content-type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofFile(bad))
                        .build());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        List<String> apiLines = new ArrayList<>();
        StackClient.json(refused.body())
                .get("errors")
                .forEach(error -> apiLines.add(error.get("line").asText()));
        assertThat(apiLines).contains("2", "4");
        browser.get(gatewayUri("/#/datasets").toString());
        waitFor(
                "the upload form",
                () -> !browser.findElements(By.id("upload-file")).isEmpty());
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("upload-dataset"))).selectByValue(dataset);
        browser.findElement(By.id("upload-file")).sendKeys(bad.toAbsolutePath().toString());
        browser.findElement(By.id("upload-submit")).click();
        waitFor(
                "the rejection",
                () -> !browser.findElements(By.cssSelector(".rejection tr[data-line]"))
                        .isEmpty());
        List<String> shownLines = browser.findElements(By.cssSelector(".rejection tr[data-line]")).stream()
                .map(row -> row.getAttribute("data-line"))
                .toList();
        assertThat(shownLines).isEqualTo(apiLines);
        List<String> apiFields = new ArrayList<>();
        StackClient.json(refused.body())
                .get("errors")
                .forEach(error -> apiFields.add(error.path("field").asText("")));
        List<String> shownFields = browser.findElements(By.cssSelector(".rejection tbody tr")).stream()
                .map(row -> row.findElements(By.tagName("td")).get(2).getText())
                .toList();
        assertThat(shownFields).isEqualTo(apiFields);
        shoot("datasets");

        // The playground: the answer arrives in parts, each shown as it comes.
        client.awaitWithLogs(
                "the generation-service to list version 2",
                WAIT,
                () -> servedModels().contains(MODEL + ":v2"),
                "generation-service");
        browser.get(gatewayUri("/#/playground").toString());
        waitFor(
                "the playground",
                () -> !browser.findElements(By.id("chat-send")).isEmpty());
        assertThat(text("#snippet-curl")).contains("/v1/chat/completions").doesNotContain(adminKey);
        assertThat(text("#snippet-python")).contains("OpenAI(base_url=");
        List<String> parts = chatUntilStreamed();
        System.out.println("DASHBOARD streamed answer in " + parts.size() + " distinct states: " + parts);
        assertThat(parts.size()).as("partial answers seen in the page").isGreaterThanOrEqualTo(2);
        assertThat(parts.get(parts.size() - 1)).startsWith(parts.get(0));
        shoot("playground");

        // Any served version can be chosen: version 2 (the candidate) answers by its name, and says so.
        List<String> offered = browser.findElements(By.cssSelector("#chat-model option")).stream()
                .map(option -> option.getAttribute("value"))
                .toList();
        assertThat(offered).startsWith(MODEL).contains(MODEL + ":v1", MODEL + ":v2", MODEL + "@candidate");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("chat-model")))
                .selectByValue(MODEL + ":v2");
        browser.findElement(By.id("chat-input")).sendKeys("What is 4 + 1?");
        assertThat(text("#snippet-curl")).contains("\"model\":\"" + MODEL + ":v2\"");
        browser.findElement(By.id("chat-send")).click();
        waitFor("the answer of version 2", () -> text("#chat-status").matches(".*(chunks|Failed).*"));
        assertThat(text("#chat-status")).contains("chunks").contains(MODEL + ":v2");

        // A read-only key is offered no action and no playground.
        String readKey = createKey(testKey, "dash-reader", "[\"read\"]");
        script("sessionStorage.clear()");
        browser.get(gatewayUri("/#/signin").toString());
        waitFor("the sign-in form", () -> !browser.findElements(By.id("key")).isEmpty());
        browser.findElement(By.id("key")).sendKeys(readKey);
        browser.findElement(By.id("signin")).click();
        waitFor("the overview", () -> text("#updated").startsWith("Live"));
        assertThat(navLabels()).containsExactly("Overview", "Jobs", "Datasets");
        browser.get(gatewayUri("/#/models/" + MODEL).toString());
        waitFor(
                "the versions table",
                () -> browser.findElements(By.cssSelector("tr[data-version]")).size() == versions);
        assertThat(browser.findElements(By.cssSelector("[data-action]"))).isEmpty();
        browser.get(gatewayUri("/#/datasets").toString());
        waitFor(
                "the datasets",
                () -> !browser.findElements(By.cssSelector("[data-dataset]")).isEmpty());
        assertThat(browser.findElements(By.id("upload-file"))).isEmpty();

        // No console errors but the rejected upload's own 400, which the browser reports for any refused request.
        List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(message -> !(message.contains("/uploads") && message.contains("400")))
                .toList();
        assertThat(errors).as("browser console errors").isEmpty();
    }

    /** Sends a message (another seed if the tiny model answers in fewer than two parts) and returns the parts seen. */
    @SuppressWarnings("unchecked")
    private List<String> chatUntilStreamed() {
        List<String> parts = List.of();
        for (int seed = 7; seed < 12 && parts.size() < 2; seed++) {
            script("""
                    window.answerParts = [];
                    new MutationObserver(() => {
                      const answers = document.querySelectorAll('.message.assistant');
                      const last = answers[answers.length - 1];
                      if (last && last.textContent && window.answerParts[window.answerParts.length - 1] !== last.textContent) {
                        window.answerParts.push(last.textContent);
                      }
                    }).observe(document.getElementById('chat-log'), {subtree: true, childList: true, characterData: true});
                    """);
            WebElement seedInput = browser.findElement(By.name("seed"));
            seedInput.clear();
            seedInput.sendKeys(String.valueOf(seed));
            browser.findElement(By.id("chat-input")).sendKeys("What is 2 + 3?");
            browser.findElement(By.id("chat-send")).click();
            waitFor("the answer to finish", () -> text("#chat-status").matches(".*(chunks|Failed).*"));
            assertThat(text("#chat-status")).as("the chat's outcome").contains("chunks");
            parts = (List<String>) script("return window.answerParts");
        }
        return parts;
    }

    private ChromeDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("dashboard.chromium", "/usr/bin/chromium"));
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("dashboard.chromedriver", "/usr/bin/chromedriver")))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1280, 800));
        return driver;
    }

    /** The page at 1280x800 and at 390x844 (a phone), as PNG files. */
    private void shoot(String page) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        for (Dimension size : List.of(new Dimension(1280, 800), new Dimension(390, 844))) {
            browser.manage().window().setSize(size);
            // The charts redraw on the resize event; wait until the layout has the new width and a frame has passed.
            waitFor(
                    "the layout at " + size,
                    () -> Long.valueOf(size.width).compareTo((Long) script("return window.innerWidth")) >= 0);
            browser.executeAsyncScript(
                    "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(done));");
            File png = browser.getScreenshotAs(OutputType.FILE);
            Files.copy(
                    png.toPath(),
                    SCREENSHOTS.resolve(page + "-" + size.width + "x" + size.height + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        browser.manage().window().setSize(new Dimension(1280, 800));
    }

    private static String seriesLength(String chart) {
        return "const box = document.querySelector('[data-chart=" + chart + "]');"
                + " const chart = box && echarts.getInstanceByDom(box);"
                + " return chart ? chart.getOption().series[0].data.length : -1;";
    }

    private static String linksLength() {
        return "const box = document.querySelector('[data-chart=lineage]');"
                + " const chart = box && echarts.getInstanceByDom(box);"
                + " return chart ? chart.getOption().series[0].links.length : -1;";
    }

    private List<String> navLabels() {
        return browser.findElements(By.cssSelector("#nav a")).stream()
                .map(WebElement::getText)
                .toList();
    }

    /** A pipeline card's field, read in one script: the overview redraws its cards on every poll. */
    private String field(String card, String name) {
        return text(card + " [data-field=" + name + "]");
    }

    /** The rendered text of the first element matching {@code css} (empty when none), read in one script. */
    private String text(String css) {
        Object text = script(
                "const element = document.querySelector(arguments[0]);"
                        + " return element ? element.innerText.trim() : '';",
                css);
        return String.valueOf(text);
    }

    private Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) browser).executeScript(script, arguments);
    }

    private void waitFor(String what, Supplier<Boolean> condition) {
        client.awaitWithLogs(what, Duration.ofSeconds(60), () -> Boolean.TRUE.equals(condition.get()), SERVICES);
    }

    /** The ids GET /v1/models lists (the admin key has the inference scope, the test's key has not). */
    private List<String> servedModels() {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(gatewayUri("/v1/models"))
                .header("Authorization", "Bearer " + adminKey)
                .GET()
                .build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        StackClient.json(response.body())
                .get("data")
                .forEach(model -> ids.add(model.get("id").asText()));
        return ids;
    }

    private JsonNode job(String dataset) {
        return StreamSupport.stream(gatewayJson("/api/v1/jobs").spliterator(), false)
                .filter(job -> job.get("dataset").asText().equals(dataset))
                .findFirst()
                .orElse(null);
    }

    /** A new key, created with {@code withKey} (an admin key); {@code scopes} is the JSON after {@code "scopes":}. */
    private String createKey(String withKey, String name, String scopes) {
        HttpResponse<String> created = client.send(HttpRequest.newBuilder(gatewayUri("/api/v1/keys"))
                .header("Authorization", "Bearer " + withKey)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + name + "\", \"scopes\": " + scopes + "}"))
                .build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return StackClient.json(created.body()).get("key").asText();
    }

    private URI gatewayUri(String path) {
        return URI.create("http://127.0.0.1:" + settings.servicePorts().get("gateway") + path);
    }

    private HttpResponse<String> gateway(String method, String path, String json) {
        return client.send(HttpRequest.newBuilder(gatewayUri(path))
                .header("Authorization", "Bearer " + testKey)
                .header("content-type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    private JsonNode gatewayJson(String path) {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(gatewayUri(path))
                .header("Authorization", "Bearer " + testKey)
                .GET()
                .build());
        assertThat(response.statusCode())
                .as("GET " + path + ": " + response.body())
                .isEqualTo(200);
        return StackClient.json(response.body());
    }
}
