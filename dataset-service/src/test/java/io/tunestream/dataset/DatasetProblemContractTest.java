package io.tunestream.dataset;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import io.tunestream.testing.ProblemContract;
import io.tunestream.testing.ProblemProbeResource;
import org.junit.jupiter.api.Test;

/** Every error of the dataset-service's API is a problem (RFC 9457), with the upload's located errors kept. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DatasetProblemContractTest {

    @Test
    void shouldLocateEachBadRecordOfARejectedUpload() {
        String dataset = IngestionTest.createDataset("sft");
        String path = "/datasets/" + dataset + "/uploads";

        JsonPath body = ProblemContract.assertProblem(
                IngestionTest.upload(
                        dataset,
                        "{\"instruction\": \"Add.\", \"output\": \"2\"}\n{\"instruction\": \"Multiply.\", \"output\": 42}"),
                400,
                path);

        assertThat(body.getString("type")).isEqualTo("urn:tunestream:problem:invalid-request");
        assertThat(body.getInt("records")).isEqualTo(2);
        assertThat(body.getInt("invalid")).isEqualTo(1);
        assertThat(body.getInt("errors[0].line")).isEqualTo(2);
        assertThat(body.getString("errors[0].field")).isEqualTo("output");
    }

    @Test
    void shouldNameWhatIsMissingOrInTheWay() {
        JsonPath missing = ProblemContract.assertProblem(
                given().get("/datasets/no-such-dataset"), 404, "/datasets/no-such-dataset");
        assertThat(missing.getString("detail")).contains("no-such-dataset");

        String dataset = IngestionTest.createDataset("sft");
        JsonPath twice = ProblemContract.assertProblem(
                given().contentType("application/json")
                        .body("{\"name\": \"" + dataset + "\", \"kind\": \"sft\"}")
                        .post("/datasets"),
                409,
                "/datasets");
        assertThat(twice.getString("detail")).contains(dataset);
    }

    @Test
    void shouldAnswerRoutingErrorsAsProblems() {
        ProblemContract.assertProblem(given().get("/no-such-route"), 404, "/no-such-route");
        ProblemContract.assertProblem(given().delete("/datasets"), 405, "/datasets");
        ProblemContract.assertProblem(
                given().contentType("application/json").body("{\"name\": ").post("/datasets"), 400, "/datasets");
    }

    @Test
    void shouldHideTheCauseOfAnUnexpectedFailure() {
        ProblemContract.assertServerFailure(given().get(ProblemProbeResource.PATH), ProblemProbeResource.PATH);
    }
}
