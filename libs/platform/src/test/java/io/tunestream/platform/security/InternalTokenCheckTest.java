package io.tunestream.platform.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** A service given an internal token (see application.properties of the tests) answers only requests that carry it. */
@QuarkusTest
class InternalTokenCheckTest {

    private static final String TOKEN = "test-internal-token-8e1f4c";

    @TestHTTPResource("/probe")
    URI probe;

    @Test
    void aRequestWithoutTheTokenIsRefusedWithAProblem() {
        given().when()
                .get("/probe")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Tunestream-Internal-Token")
                .body("status", equalTo(401))
                .body("title", equalTo("Unauthorized"))
                .body("detail", containsString("has no X-Tunestream-Internal-Token header"))
                .body("instance", equalTo("/probe"));
    }

    @Test
    void aWrongTokenIsRefused() {
        given().header(InternalToken.HEADER, TOKEN + "x")
                .when()
                .get("/probe")
                .then()
                .statusCode(401)
                .body("detail", containsString("does not match"));
        given().header(InternalToken.HEADER, "").when().get("/probe").then().statusCode(401);
    }

    @Test
    void aMutationWithoutTheTokenNeverReachesTheResource() {
        given().body("{\"name\": \"x\"}")
                .contentType("application/json")
                .when()
                .post("/probe")
                .then()
                .statusCode(401)
                .body("detail", containsString("has no X-Tunestream-Internal-Token header"));
    }

    @Test
    void theRightTokenReachesTheRoute() {
        given().header(InternalToken.HEADER, TOKEN)
                .when()
                .get("/probe")
                .then()
                .statusCode(200)
                .body(equalTo("reached"));
        given().header(InternalToken.HEADER, TOKEN)
                .body("12345")
                .when()
                .post("/probe")
                .then()
                .statusCode(200)
                .body(equalTo("reached with 5 bytes"));
    }

    @Test
    void aPathThatIsNotNormalisedIsCheckedAsTheRouteItReaches() {
        given().urlEncodingEnabled(false).when().get("/q/../probe").then().statusCode(401);
    }

    @Test
    void healthProbesNeedNoToken() {
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/health").then().statusCode(200);
    }

    @Test
    void theClientFilterSendsTheServicesToken() {
        Client client = ClientBuilder.newClient().register(new InternalTokenClientFilter());
        try (Response response = client.target(probe).request().get()) {
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.readEntity(String.class)).isEqualTo("reached");
        } finally {
            client.close();
        }
    }
}
