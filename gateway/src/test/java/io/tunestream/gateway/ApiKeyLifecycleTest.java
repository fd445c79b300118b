package io.tunestream.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.tunestream.gateway.service.ApiKeyService;
import io.tunestream.testing.PostgresResource;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(ServiceStandIns.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AdminKeyResource.class)
class ApiKeyLifecycleTest {

    /** The default of tunestream.gateway.key-cache-ttl. */
    private static final Duration KEY_CACHE_TTL = Duration.ofSeconds(5);

    @Inject
    AgroalDataSource database;

    @Inject
    ApiKeyService keys;

    @Test
    void shouldShowAKeyOnceAndStoreOnlyItsHash() throws Exception {
        String key = TestKeys.create("hash-check", "read");
        assertThat(key).startsWith("ts_").hasSize(3 + 43);

        given().auth()
                .oauth2(AdminKeyResource.token())
                .when()
                .get("/api/v1/keys")
                .then()
                .statusCode(200)
                .body("name", hasItem("hash-check"))
                .body("find { it.name == 'hash-check' }.prefix", equalTo(key.substring(0, 8)))
                .body(not(containsString(key)));

        List<String> cells = everyCellOfTheKeysTable();
        assertThat(cells).contains(sha256(key), sha256(AdminKeyResource.token()));
        assertThat(cells).noneMatch(cell -> cell.contains(key.substring(8)));
        assertThat(cells)
                .noneMatch(cell -> cell.contains(AdminKeyResource.token().substring(8)));
    }

    @Test
    void shouldRefuseARevokedKeyOnItsNextRequest() {
        String key = TestKeys.create("to-revoke", "read");
        given().auth().oauth2(key).when().get("/api/v1/datasets").then().statusCode(200);
        long id = idOf("to-revoke");

        given().auth()
                .oauth2(AdminKeyResource.token())
                .when()
                .delete("/api/v1/keys/" + id)
                .then()
                .statusCode(200)
                .body("revokedAt", notNullValue());

        given().auth()
                .oauth2(key)
                .when()
                .get("/api/v1/datasets")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("detail", containsString("revoked"));
    }

    @Test
    void shouldRefuseAnExpiredKeyOnItsFirstRequestAfterTheExpiry() {
        // Long enough for the first requests to come before the expiry on a loaded build machine.
        Instant expiresAt = Instant.now().plusSeconds(8);
        String key = TestKeys.create(Map.of(
                "name",
                "short-lived",
                "scopes",
                List.of("read"),
                "expiresAt",
                expiresAt.toString(),
                // Requests back to back: no rate limit in the way.
                "requestsPerSecond",
                10_000));
        given().auth().oauth2(key).when().get("/api/v1/datasets").then().statusCode(200);

        // Used without a pause, the key is remembered when it expires: the expiry must still apply at once, not when
        // the replica next reads the key.
        Instant refused = null;
        while (refused == null) {
            Instant sent = Instant.now();
            int status =
                    given().auth().oauth2(key).when().get("/api/v1/datasets").statusCode();
            if (status == 401) {
                refused = sent;
            } else {
                assertThat(status).isEqualTo(200);
                assertThat(sent).as("still accepted after its expiry").isBefore(expiresAt);
            }
        }
        // Not refused early either (a request sent just before the expiry may be checked just after it).
        assertThat(refused).isAfter(expiresAt.minusSeconds(2));
    }

    @Test
    void shouldAnswerAKeyVerifiedLatelyWithoutReadingTheDatabase() throws Exception {
        String key = TestKeys.create("remembered", "read");
        assertThat(keys.authenticate(key)).isPresent();
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("update api_key set revoked_at = now() where name = 'remembered'");
        }

        // The row says revoked (as another replica's revocation would), the replica still remembers the key: what
        // key-cache-ttl bounds. The database's answer is the revocation.
        assertThat(keys.authenticateFromCache(key)).isPresent();
        assertThat(keys.authenticate(key)).isEmpty();
        assertThat(keys.authenticateFromCache(key)).isEmpty();
    }

    @Test
    void shouldRefuseAKeyRevokedOnAnotherReplicaWithinTheKeyCacheTtl() throws Exception {
        String key = TestKeys.create("revoked-elsewhere", "read");
        given().auth().oauth2(key).when().get("/api/v1/datasets").then().statusCode(200);

        // Another replica's revocation is a change of the row this replica has not made.
        long revoked = System.nanoTime();
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("update api_key set revoked_at = now() where name = 'revoked-elsewhere'");
        }
        await().atMost(KEY_CACHE_TTL.plusSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> given().auth()
                                .oauth2(key)
                                .when()
                                .get("/api/v1/datasets")
                                .statusCode()
                        == 401);
        assertThat(Duration.ofNanos(System.nanoTime() - revoked))
                .as("refused within the key cache's time-to-live (and one request's time)")
                .isLessThan(KEY_CACHE_TTL.plusSeconds(2));
    }

    @Test
    void shouldRecordWhenAKeyWasLastUsed() {
        String key = TestKeys.create("used", "read");
        given().auth().oauth2(key).when().get("/api/v1/datasets").then().statusCode(200);
        given().auth()
                .oauth2(AdminKeyResource.token())
                .when()
                .get("/api/v1/keys")
                .then()
                .body("find { it.name == 'used' }.lastUsedAt", notNullValue())
                .body("find { it.name == 'used' }.createdAt", notNullValue());
    }

    @Test
    void shouldRefuseUnknownOrMalformedKeys() {
        given().auth()
                .oauth2("ts_" + "x".repeat(43))
                .when()
                .get("/api/v1/datasets")
                .then()
                .statusCode(401);
        given().auth().oauth2("not-a-key").when().get("/api/v1/datasets").then().statusCode(401);
        given().header("Authorization", "Basic dXNlcjpwYXNz")
                .when()
                .get("/api/v1/datasets")
                .then()
                .statusCode(401);
    }

    @Test
    void shouldRefuseAKeyRequestNamingAnUnknownScopeOrAPastExpiry() {
        given().auth()
                .oauth2(AdminKeyResource.token())
                .contentType(ContentType.JSON)
                .body(Map.of("name", "bad", "scopes", List.of("read", "superuser")))
                .when()
                .post("/api/v1/keys")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("unknown scope 'superuser'; accepted: read, write, admin, inference"));
        given().auth()
                .oauth2(AdminKeyResource.token())
                .contentType(ContentType.JSON)
                .body(Map.of("name", "bad", "scopes", List.of("read"), "expiresAt", "2020-01-01T00:00:00Z"))
                .when()
                .post("/api/v1/keys")
                .then()
                .statusCode(400)
                .body("detail", containsString("not in the future"));
    }

    @Test
    void shouldRefuseAKeyRequestWithAFieldItDoesNotTake() {
        given().auth()
                .oauth2(AdminKeyResource.token())
                .contentType(ContentType.JSON)
                .body(Map.of("name", "typo", "scopes", List.of("read"), "expiry", "2030-01-01T00:00:00Z"))
                .when()
                .post("/api/v1/keys")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("expiry"));
    }

    @Test
    void shouldLetOnlyAdminKeysManageKeys() {
        String key = TestKeys.create("not-admin", "read", "write", "inference");
        given().auth()
                .oauth2(key)
                .when()
                .get("/api/v1/keys")
                .then()
                .statusCode(403)
                .body("requiredScope", equalTo("admin"));
    }

    private long idOf(String name) {
        return ((Number) given().auth()
                        .oauth2(AdminKeyResource.token())
                        .when()
                        .get("/api/v1/keys")
                        .then()
                        .extract()
                        .path("find { it.name == '" + name + "' }.id"))
                .longValue();
    }

    private List<String> everyCellOfTheKeysTable() throws Exception {
        List<String> cells = new ArrayList<>();
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select * from api_key")) {
            ResultSetMetaData columns = rows.getMetaData();
            while (rows.next()) {
                for (int i = 1; i <= columns.getColumnCount(); i++) {
                    cells.add(String.valueOf(rows.getObject(i)).trim());
                }
            }
        }
        return cells;
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
