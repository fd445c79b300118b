package io.tunestream.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.tunestream.testing.PostgresResource;
import io.tunestream.testing.ProblemProbeResource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Walks the gateway's own OpenAPI document: every route declares one scope; without a key it answers 401, with a
 * {@code read} key a mutating route answers 403, and neither reaches a service; with its scope it works.
 */
@QuarkusTest
@WithTestResource(ServiceStandIns.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AdminKeyResource.class)
class RouteScopesTest {

    private final Map<Scope, String> keys = new EnumMap<>(Scope.class);

    @BeforeEach
    void createOneKeyPerScope() {
        for (Scope scope : Scope.values()) {
            // A generous rate: the walk makes many requests per key in a few seconds.
            keys.put(
                    scope,
                    TestKeys.create(Map.of(
                            "name",
                            "walk-" + scope.role(),
                            "scopes",
                            List.of(scope.role()),
                            "requestsPerSecond",
                            10_000)));
        }
    }

    @Test
    void shouldAnswer401WithoutAKey403WithTheWrongScopeAndWorkWithTheRightOne() {
        List<Operation> operations = operations();
        assertThat(operations).hasSizeGreaterThan(40);
        List<String> mutatingChecked = new ArrayList<>();
        for (Operation operation : operations) {
            if (operation.scopes().size() == Scope.values().length) {
                assertAnyKeyWorks(operation);
                continue;
            }
            assertThat(operation.scopes())
                    .as("%s declares one scope (or every scope: a read-only route for any key)", operation)
                    .hasSize(1);
            Scope scope = Scope.parse(operation.scopes().get(0));
            String path = concretePath(operation.path());

            int seen = ServiceStandIns.RECEIVED.size();
            assertThat(send(operation, path, null).statusCode())
                    .as("%s without a key", operation)
                    .isEqualTo(401);
            if (operation.mutating()) {
                assertThat(scope)
                        .as("%s mutates, so it cannot need only read", operation)
                        .isNotEqualTo(Scope.READ);
                Response withReadKey = send(operation, path, keys.get(Scope.READ));
                assertThat(withReadKey.statusCode())
                        .as("%s with a read key", operation)
                        .isEqualTo(403);
                String refusal = operation.path().startsWith("/v1/")
                        ? withReadKey.jsonPath().getString("error.message")
                        : withReadKey.jsonPath().getString("requiredScope");
                assertThat(refusal).as("%s names the scope it needs", operation).contains(scope.role());
                mutatingChecked.add(operation.toString());
            }
            assertThat(ServiceStandIns.RECEIVED)
                    .as("nothing refused reached a service")
                    .hasSize(seen);

            Response allowed = send(operation, path, keys.get(scope));
            assertThat(allowed.statusCode())
                    .as("%s with a %s key: %s", operation, scope.role(), allowed.asString())
                    .isBetween(200, 299);
        }
        assertThat(mutatingChecked).hasSizeGreaterThan(15);
    }

    /** A route for any key (the caller's own key, {@code /api/v1/keys/self}): read-only, 401 without a key. */
    private void assertAnyKeyWorks(Operation operation) {
        assertThat(operation.mutating())
                .as("%s is for any key, so it cannot mutate", operation)
                .isFalse();
        String path = concretePath(operation.path());
        assertThat(send(operation, path, null).statusCode())
                .as("%s without a key", operation)
                .isEqualTo(401);
        for (Scope scope : Scope.values()) {
            Response allowed = send(operation, path, keys.get(scope));
            assertThat(allowed.statusCode())
                    .as("%s with a %s key: %s", operation, scope.role(), allowed.asString())
                    .isBetween(200, 299);
        }
    }

    private record Operation(String method, String path, List<String> scopes, String contentType) {

        boolean mutating() {
            return !method.equals("get");
        }

        @Override
        public String toString() {
            return method.toUpperCase() + " " + path;
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Operation> operations() {
        JsonPath document = given().queryParam("format", "json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        Map<String, Map<String, Map<String, Object>>> paths = document.getMap("paths");
        List<Operation> operations = new ArrayList<>();
        paths.forEach((path, methods) -> methods.forEach((method, operation) -> {
            // The tests' probe route comes from the testing library's index, not from the gateway.
            if (path.startsWith("/q/") || path.startsWith(ProblemProbeResource.PATH)) {
                return;
            }
            List<Map<String, List<String>>> security = (List<Map<String, List<String>>>) operation.get("security");
            List<String> scopes = security == null
                    ? List.of()
                    : security.stream()
                            .flatMap(s -> s.values().stream())
                            .flatMap(List::stream)
                            .toList();
            Map<String, Object> body = (Map<String, Object>) operation.get("requestBody");
            String contentType = body == null
                    ? null
                    : ((Map<String, Object>) body.get("content"))
                            .keySet()
                            .iterator()
                            .next();
            operations.add(new Operation(method, path, scopes, contentType));
        }));
        return operations;
    }

    private String concretePath(String template) {
        if (template.equals("/api/v1/keys/{id}")) {
            String spare = TestKeys.create("spare", "read");
            Number id = given().auth()
                    .oauth2(AdminKeyResource.token())
                    .when()
                    .get("/api/v1/keys")
                    .then()
                    .extract()
                    .path("find { it.prefix == '" + spare.substring(0, 8) + "' }.id");
            return "/api/v1/keys/" + id;
        }
        if (template.startsWith("/v1/")) {
            return template.replace("{model}", ServiceStandIns.MODEL);
        }
        return template.replace("{version}", "1")
                .replace("{file}", "train.jsonl")
                .replaceAll("\\{[^}]+}", "x1");
    }

    private static Response send(Operation operation, String path, String key) {
        RequestSpecification request = given().redirects().follow(false);
        if (key != null) {
            request.auth().oauth2(key);
        }
        if (operation.contentType() != null) {
            if (operation.contentType().startsWith("multipart/")) {
                request.multiPart("file", "config.json", "{}".getBytes(), "application/json");
            } else {
                request.contentType(operation.contentType())
                        .body(body(operation.path()).getBytes(StandardCharsets.UTF_8));
            }
        }
        return request.when().request(operation.method().toUpperCase(), path).andReturn();
    }

    private static String body(String path) {
        if (path.equals("/api/v1/keys")) {
            return "{\"name\": \"walked\", \"scopes\": [\"read\"]}";
        }
        if (path.startsWith("/v1/")) {
            return "{\"model\": \"" + ServiceStandIns.MODEL
                    + "\", \"prompt\": \"2+2=\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
        }
        return "{}";
    }
}
