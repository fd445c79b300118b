package io.tunestream.training.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import io.tunestream.testing.ProblemContract;
import io.tunestream.testing.ProblemProbeResource;
import io.tunestream.training.RunnerOffProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every error of the training-service's API is a problem (RFC 9457). */
@QuarkusTest
@TestProfile(RunnerOffProfile.class)
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class TrainingProblemContractTest {

    @Test
    void shouldSayWhatIsWrongWithASubmissionAndWhere() {
        JsonPath missing = ProblemContract.assertProblem(
                given().contentType(ContentType.JSON)
                        .body(Map.of("dataset", "nowhere", "version", 9, "recipe", "sft"))
                        .post("/jobs"),
                400,
                "/jobs");
        assertThat(missing.getString("detail")).contains("no dataset version at s3://");

        JsonPath unreadable = ProblemContract.assertProblem(
                given().contentType(ContentType.JSON)
                        .body("{\"dataset\": \"d\",\n \"version\": \"nine\", \"recipe\": \"sft\"}")
                        .post("/jobs"),
                400,
                "/jobs");
        assertThat(unreadable.getString("field")).isEqualTo("version");
        assertThat(unreadable.getInt("line")).isEqualTo(2);
    }

    @Test
    void shouldNameTheUnknownJob() {
        JsonPath unknown = ProblemContract.assertProblem(given().get("/jobs/job-unknown"), 404, "/jobs/job-unknown");
        assertThat(unknown.getString("detail")).isEqualTo("no training job 'job-unknown'");
        ProblemContract.assertProblem(given().post("/jobs/job-unknown/cancel"), 404, "/jobs/job-unknown/cancel");
    }

    @Test
    void shouldAnswerRoutingErrorsAsProblems() {
        ProblemContract.assertProblem(given().get("/no-such-route"), 404, "/no-such-route");
        ProblemContract.assertProblem(given().delete("/jobs"), 405, "/jobs");
    }

    @Test
    void shouldHideTheCauseOfAnUnexpectedFailure() {
        ProblemContract.assertServerFailure(given().get(ProblemProbeResource.PATH), ProblemProbeResource.PATH);
    }
}
