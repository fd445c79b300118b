package io.tunestream.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
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
import io.tunestream.testing.PostgresResource;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
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

    @Inject
    AgroalDataSource database;

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
    void shouldRefuseAnExpiredKey() throws Exception {
        String key = TestKeys.create(Map.of(
                "name",
                "short-lived",
                "scopes",
                List.of("read"),
                "expiresAt",
                Instant.now().plusSeconds(3600).toString()));
        given().auth().oauth2(key).when().get("/api/v1/datasets").then().statusCode(200);
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(
                    "update api_key set expires_at = now() - interval '1 second' where name = 'short-lived'");
        }
        given().auth().oauth2(key).when().get("/api/v1/datasets").then().statusCode(401);
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
