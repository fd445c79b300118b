package io.tunestream.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.tunestream.platform.rest.StrictBody;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Not a @QuarkusTest: each failure's problem is a pure function of the exception (the services test the wiring). */
class ProblemResponsesTest {

    @Test
    void shouldListEachViolatedFieldAsTheClientWroteIt() {
        ConstraintViolationException e = new ConstraintViolationException(Set.of(
                violation(
                        "must not be blank",
                        node("create", ElementKind.METHOD),
                        node("request", ElementKind.PARAMETER),
                        node("name", ElementKind.PROPERTY)),
                violation(
                        "must be at least 1", node("list", ElementKind.METHOD), node("limit", ElementKind.PARAMETER))));

        Problem problem =
                (Problem) ProblemResponses.constraintViolation(e, "/datasets").getEntity();

        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.type()).isEqualTo(ProblemResponses.CONSTRAINT_VIOLATION);
        assertThat(problem.detail()).isEqualTo("2 fields are invalid: see errors");
        assertThat(problem.members().get("errors"))
                .isEqualTo(List.of(
                        Map.of("field", "limit", "message", "must be at least 1"),
                        Map.of("field", "request.name", "message", "must not be blank")));
    }

    @Test
    void shouldKeepTheStatusAndHeadersOfAJaxRsException() {
        Response response = ProblemResponses.web(new NotAllowedException("GET"), "DELETE", "/models");

        assertThat(response.getStatus()).isEqualTo(405);
        assertThat(response.getHeaderString("Allow")).isEqualTo("GET");
        assertThat(response.getMediaType()).hasToString(Problem.MEDIA_TYPE);
        assertThat(((Problem) response.getEntity()).title()).isEqualTo("Method Not Allowed");
    }

    @Test
    void shouldTellNothingOfAServerSideFailure() {
        Response unexpected =
                ProblemResponses.unexpected(new IllegalStateException("db at 10.0.0.7 refused"), "GET", "/jobs");
        Response unavailable =
                ProblemResponses.web(new ServiceUnavailableException("pool io.x.Pool exhausted"), "GET", "/jobs");

        assertThat(List.of(unexpected, unavailable))
                .extracting(response -> ((Problem) response.getEntity()).detail())
                .containsOnly(ProblemResponses.SERVER_ERROR_DETAIL);
        assertThat(((Problem) unexpected.getEntity()).title()).isEqualTo("Internal Server Error");
    }

    @Test
    void shouldLocateAValueOfTheWrongTypeWithoutNamingAJavaType() {
        Exception e = assertThrows(
                MismatchedInputException.class,
                () -> new ObjectMapper().readValue("{\"dataset\": \"d\",\n \"version\": \"nine\"}", Submission.class));

        Problem problem = (Problem) ProblemResponses.unreadableBody((MismatchedInputException) e, "/jobs")
                .getEntity();

        assertThat(problem.detail())
                .isEqualTo("the body is not valid JSON for this endpoint: field 'version' must be" + " a number");
        assertThat(problem.members()).containsEntry("field", "version").containsEntry("line", 2);
    }

    @Test
    void shouldNameAFieldTheBodyDoesNotTakeAndListTheOnesItTakes() throws Exception {
        Exception e = assertThrows(
                UnrecognizedPropertyException.class,
                () -> new StrictBody()
                        .apply(new ObjectMapper(), Submission.class)
                        .readValue("{\"dataset\": \"d\", \"verison\": 9}"));

        Problem problem = (Problem) ProblemResponses.unreadableBody((UnrecognizedPropertyException) e, "/jobs")
                .getEntity();

        assertThat(problem.detail())
                .isEqualTo("the body is not valid JSON for this endpoint: field 'verison' is not one this endpoint"
                        + " takes; it takes dataset, version");
        assertThat(problem.members()).containsEntry("field", "verison").containsEntry("line", 1);
    }

    @Test
    void shouldAnswerAParameterThatIsNoNumberWith400QuotingIt() {
        NumberFormatException cause = assertThrows(NumberFormatException.class, () -> Integer.parseInt("abc"));

        Response response = ProblemResponses.web(new NotFoundException(cause), "GET", "/datasets/qa/versions/abc");

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(((Problem) response.getEntity()).detail())
                .isEqualTo("a path or query parameter must be a whole number in range, got 'abc'");
        assertThat(ProblemResponses.web(new NotFoundException(), "GET", "/nowhere")
                        .getStatus())
                .as("an unknown route stays 404")
                .isEqualTo(404);
    }

    @Test
    void shouldLocateABodyThatIsNoJsonWhenQuarkusRestWrapsItInA400() {
        Exception parse = assertThrows(
                com.fasterxml.jackson.core.JsonProcessingException.class,
                () -> new ObjectMapper().readTree("{\"name\": "));

        Response response = ProblemResponses.web(new jakarta.ws.rs.BadRequestException(parse), "POST", "/datasets");

        Problem problem = (Problem) response.getEntity();
        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(problem.detail()).startsWith("the body is not valid JSON for this endpoint: ");
        assertThat(problem.members()).containsEntry("line", 1);
    }

    record Submission(String dataset, Integer version) {}

    private static ConstraintViolation<?> violation(String message, Path.Node... nodes) {
        Path path = (Path) Proxy.newProxyInstance(
                Path.class.getClassLoader(),
                new Class<?>[] {Path.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "iterator" -> Arrays.asList(nodes).iterator();
                    case "spliterator" -> Arrays.asList(nodes).spliterator();
                    case "toString" ->
                        Arrays.stream(nodes).map(Path.Node::getName).toList().toString();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (ConstraintViolation<?>) Proxy.newProxyInstance(
                ConstraintViolation.class.getClassLoader(),
                new Class<?>[] {ConstraintViolation.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getMessage" -> message;
                    case "getPropertyPath" -> path;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Path.Node node(String name, ElementKind kind) {
        return (Path.Node) Proxy.newProxyInstance(
                Path.Node.class.getClassLoader(),
                new Class<?>[] {Path.Node.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getName" -> name;
                    case "getKind" -> kind;
                    case "getIndex", "getKey" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
