package io.tunestream.platform.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With no internal token configured, nothing is checked: a service run alone works as before. */
@QuarkusTest
@TestProfile(InternalTokenOffTest.NoToken.class)
class InternalTokenOffTest {

    public static class NoToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(InternalToken.PROPERTY, "");
        }
    }

    @Test
    void requestsWithoutATokenReachTheRoute() {
        given().when().get("/probe").then().statusCode(200).body(equalTo("reached"));
    }
}
