package io.tunestream.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Not a @QuarkusTest: the body's JSON is Jackson's work on a record. */
class ProblemTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void shouldWriteTheStandardMembersThenTheExtensionsAtTheTopLevel() throws Exception {
        Problem problem = ProblemResponses.invalidRequest("2 records are invalid", "/datasets/qa/uploads")
                .with("records", 5L)
                .with("complete", true)
                .with("errors", List.of(Map.of("line", 3)));

        assertThat(json.writeValueAsString(problem))
                .isEqualTo("{\"type\":\"urn:tunestream:problem:invalid-request\","
                        + "\"title\":\"Invalid request\",\"status\":400,\"detail\":\"2 records are invalid\","
                        + "\"instance\":\"/datasets/qa/uploads\",\"records\":5,\"complete\":true,"
                        + "\"errors\":[{\"line\":3}]}");
    }

    @Test
    void shouldLeaveOutMembersWithoutAValue() throws Exception {
        Problem problem =
                Problem.of(Response.Status.NOT_FOUND, null, "/nowhere").with("line", null);

        assertThat(json.readTree(json.writeValueAsString(problem)).fieldNames())
                .toIterable()
                .containsExactly("type", "title", "status", "instance");
    }

    @Test
    void shouldRefuseAStatusThatIsNoError() {
        assertThatThrownBy(() -> Problem.of(Response.Status.OK, "fine", "/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 200");
    }
}
