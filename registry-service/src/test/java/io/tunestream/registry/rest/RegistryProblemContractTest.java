package io.tunestream.registry.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.tunestream.registry.RegistryApi;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import io.tunestream.testing.ProblemContract;
import io.tunestream.testing.ProblemProbeResource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every error of the registry's API is a problem (RFC 9457). */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class RegistryProblemContractTest {

    @Test
    void shouldNameTheInvalidFieldAndWhatIsAccepted() {
        String model = RegistryApi.importBaseModel();
        String path = "/models/" + model + "/policy";

        JsonPath invalid = ProblemContract.assertProblem(
                given().contentType(ContentType.JSON)
                        .body(Map.of("mode", "automatic", "alpha", 2.0))
                        .put(path),
                400,
                path);
        assertThat(invalid.getString("detail")).contains("policy.alpha must be in (0, 1)");

        JsonPath unreadable = ProblemContract.assertProblem(
                given().contentType(ContentType.JSON)
                        .body("{\"mode\": \"manual\", \"margin\": \"a lot\"}")
                        .put(path),
                400,
                path);
        assertThat(unreadable.getString("field")).isEqualTo("margin");
        assertThat(unreadable.getInt("line")).isEqualTo(1);
    }

    @Test
    void shouldNameWhatIsMissingOrInTheWay() {
        JsonPath missing =
                ProblemContract.assertProblem(given().get("/models/no-such-model"), 404, "/models/no-such-model");
        assertThat(missing.getString("detail")).isEqualTo("no model 'no-such-model'");

        String model = RegistryApi.importBaseModel();
        String path = "/models/" + model + "/import";
        JsonPath twice = ProblemContract.assertProblem(
                RegistryApi.importCheckpoint(model).extract().response(), 409, path);
        assertThat(twice.getString("detail")).contains("already exists");
    }

    @Test
    void shouldAnswerRoutingErrorsAsProblems() {
        ProblemContract.assertProblem(given().get("/no-such-route"), 404, "/no-such-route");
        ProblemContract.assertProblem(given().delete("/models"), 405, "/models");
    }

    @Test
    void shouldHideTheCauseOfAnUnexpectedFailure() {
        ProblemContract.assertServerFailure(given().get(ProblemProbeResource.PATH), ProblemProbeResource.PATH);
    }
}
