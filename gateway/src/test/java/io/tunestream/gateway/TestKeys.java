package io.tunestream.gateway;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Creates keys through the gateway's admin API, with the run's admin key. */
final class TestKeys {

    private TestKeys() {}

    static String create(String name, String... scopes) {
        return create(Map.of("name", name, "scopes", List.of(scopes)));
    }

    static String create(Map<String, Object> request) {
        return given().auth()
                .oauth2(AdminKeyResource.token())
                .contentType(ContentType.JSON)
                .body(new HashMap<>(request))
                .when()
                .post("/api/v1/keys")
                .then()
                .statusCode(201)
                .extract()
                .path("key");
    }
}
