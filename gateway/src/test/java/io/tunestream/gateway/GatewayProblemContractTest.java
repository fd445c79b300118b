package io.tunestream.gateway;

import static io.restassured.RestAssured.given;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.testing.PostgresResource;
import io.tunestream.testing.ProblemContract;
import io.tunestream.testing.ProblemProbeResource;
import org.junit.jupiter.api.Test;

/** The gateway answers errors as problems (RFC 9457), as every service behind it does. */
@QuarkusTest
@WithTestResource(
        value = ServiceStandIns.class,
        initArgs = {
            @ResourceArg(name = "unready", value = "generation"),
            @ResourceArg(name = "unreachable", value = "registry")
        })
@WithTestResource(PostgresResource.class)
class GatewayProblemContractTest {

    @Test
    void shouldAnswerRoutingErrorsAsProblems() {
        ProblemContract.assertProblem(given().get("/no-such-route"), 404, "/no-such-route");
        ProblemContract.assertProblem(given().post(ProblemProbeResource.PATH), 405, ProblemProbeResource.PATH);
    }

    @Test
    void shouldHideTheCauseOfAnUnexpectedFailure() {
        ProblemContract.assertServerFailure(given().get(ProblemProbeResource.PATH), ProblemProbeResource.PATH);
    }
}
