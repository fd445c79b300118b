package io.tunestream.gateway.client;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;

/** Runs a typed REST client call and relays its answer; a service that cannot answer becomes a 503 naming it. */
@ApplicationScoped
public class ServiceCalls {

    private final ServiceResponses responses;

    public ServiceCalls(ServiceResponses responses) {
        this.responses = responses;
    }

    public Response relay(Service service, UriInfo request, Supplier<Response> call) {
        Response answer;
        try {
            answer = call.get();
        } catch (ProcessingException | FaultToleranceException e) {
            throw new ServiceUnavailableException(service, reason(e), e);
        }
        try (answer) {
            byte[] body = answer.hasEntity() ? answer.readEntity(byte[].class) : null;
            Map<String, String> headers = new LinkedHashMap<>();
            for (String name : ServiceResponses.RELAYED_HEADERS) {
                String value = answer.getHeaderString(name);
                if (value != null) {
                    headers.put(name, value);
                }
            }
            return responses.relay(
                    service, answer.getStatus(), answer.getHeaderString("Content-Type"), headers, body, request);
        }
    }

    /** The innermost cause says what happened (connection refused, timeout, open circuit). */
    static String reason(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
