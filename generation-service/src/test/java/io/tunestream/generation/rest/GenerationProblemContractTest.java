package io.tunestream.generation.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.ProblemContract;
import io.tunestream.testing.ProblemProbeResource;
import org.junit.jupiter.api.Test;

/**
 * Outside {@code /v1} the generation-service answers errors as problems (RFC 9457) like every service; under
 * {@code /v1} it keeps OpenAI's shape, unknown routes included.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
class GenerationProblemContractTest {

    @Test
    void shouldAnswerRoutingErrorsOutsideV1AsProblems() {
        ProblemContract.assertProblem(given().get("/no-such-route"), 404, "/no-such-route");
        ProblemContract.assertProblem(given().post(ProblemProbeResource.PATH), 405, ProblemProbeResource.PATH);
    }

    @Test
    void shouldHideTheCauseOfAnUnexpectedFailure() {
        ProblemContract.assertServerFailure(given().get(ProblemProbeResource.PATH), ProblemProbeResource.PATH);
    }

    @Test
    void shouldKeepOpenAisShapeUnderV1() {
        given().get("/v1/no-such-route")
                .then()
                .statusCode(404)
                .contentType(ContentType.JSON)
                .body("error.type", equalTo("invalid_request_error"));
        given().contentType(ContentType.JSON)
                .body("{\"model\": \"tiny-llama\", \"prompt\": \"2 + 2\", \"temperature\": \"hot\"}")
                .post("/v1/completions")
                .then()
                .statusCode(400)
                .contentType(startsWith("application/json"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("invalid_json"));
    }
}
