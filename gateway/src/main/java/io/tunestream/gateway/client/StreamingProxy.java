package io.tunestream.gateway.client;

import io.smallrye.faulttolerance.api.Guard;
import io.tunestream.gateway.config.GatewayConfig;
import io.tunestream.platform.security.InternalToken;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;

/**
 * The routes whose bodies stream: uploads and model imports in, file downloads, job progress (SSE) and inference out.
 * The typed REST clients read whole bodies, which is right for JSON and wrong for a multi-gigabyte checkpoint or a
 * stream that lasts as long as a training job, so these go through the JDK HTTP client: the request body is read from
 * the incoming stream as the service consumes it, and the response is copied to the client read by read, flushed
 * each time, so an SSE chunk leaves the gateway as soon as it arrives.
 *
 * <p>Each service has its own circuit breaker (SmallRye Fault Tolerance's programmatic {@link Guard}); a call waits
 * at most the connect timeout for a connection and the response timeout for the headers, never for the whole body.
 * These calls are not retried: a streamed request body can be read only once.
 */
@ApplicationScoped
public class StreamingProxy {

    /** Request headers the services need; the client's {@code Authorization} is the gateway's and stays here. */
    static final List<String> FORWARDED_HEADERS = List.of("Content-Type", "Accept", "X-File-Name", "Last-Event-ID");

    private static final int COPY_BUFFER = 16 * 1024;
    /** An error body larger than this is cut: errors are messages, not payloads. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final GatewayConfig config;
    private final ServiceResponses responses;
    private final HttpClient http;
    private final Map<Service, Guard> guards = new EnumMap<>(Service.class);

    public StreamingProxy(GatewayConfig config, ServiceResponses responses) {
        this.config = config;
        this.responses = responses;
        // HTTP/1.1: the services speak it, and it spares an h2c upgrade attempt on every connection.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.upstream().connectTimeout())
                .build();
        for (Service service : Service.values()) {
            guards.put(
                    service,
                    Guard.create()
                            .withDescription(service.displayName() + " (streamed routes)")
                            .withCircuitBreaker()
                            .requestVolumeThreshold(4)
                            .failureRatio(0.5)
                            .delay(5, ChronoUnit.SECONDS)
                            .done()
                            .build());
        }
    }

    /** An observer of the bytes a response streams to the client, after each piece has been sent. */
    public interface StreamObserver {

        StreamObserver NONE = new StreamObserver() {};

        /** Before the first byte, with the response's content type. */
        default void onStart(String contentType) {}

        default void onBytes(byte[] buffer, int length) {}

        /** After the last byte, or when the copy stopped (the client went away, the service broke off). */
        default void onEnd() {}
    }

    /**
     * Sends {@code method pathAndQuery} to {@code service} with the incoming body (if any) streamed through, and
     * answers with the service's response streamed back.
     */
    public Response forward(
            Service service,
            String method,
            String pathAndQuery,
            HttpHeaders incoming,
            InputStream body,
            UriInfo request,
            StreamObserver observer) {
        HttpResponse<InputStream> answer = open(service, method, pathAndQuery, incoming, body);
        String contentType = answer.headers().firstValue("Content-Type").orElse(null);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : ServiceResponses.RELAYED_HEADERS) {
            answer.headers().firstValue(name).ifPresent(value -> headers.put(name, value));
        }
        if (answer.statusCode() >= 400) {
            try (InputStream errorBody = answer.body()) {
                return responses.relay(
                        service,
                        answer.statusCode(),
                        contentType,
                        headers,
                        errorBody.readNBytes(MAX_ERROR_BODY),
                        request);
            } catch (IOException e) {
                throw new ServiceUnavailableException(service, "its error response broke off: " + e.getMessage(), e);
            }
        }
        Response.ResponseBuilder response = Response.status(answer.statusCode());
        if (contentType != null) {
            response.type(contentType);
        }
        responses.relayHeaders(service, headers, request, response);
        return response.entity((StreamingOutput) output -> copy(answer.body(), output, observer, contentType))
                .build();
    }

    private HttpResponse<InputStream> open(
            Service service, String method, String pathAndQuery, HttpHeaders incoming, InputStream body) {
        URI base = config.services().get(service.configKey());
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(base.toString().replaceAll("/$", "") + pathAndQuery))
                .timeout(config.upstream().responseTimeout());
        for (String name : FORWARDED_HEADERS) {
            String value = incoming.getHeaderString(name);
            if (value != null) {
                request.header(name, value);
            }
        }
        config.internalToken()
                .filter(token -> !token.isBlank())
                .ifPresent(token -> request.header(InternalToken.HEADER, token));
        request.method(method, publisher(incoming, body));
        try {
            return guards.get(service)
                    .call(
                            () -> http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()),
                            HttpResponseOfStream.TYPE);
        } catch (IOException | FaultToleranceException e) {
            throw new ServiceUnavailableException(service, ServiceCalls.reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailableException(service, "the call was interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException("calling the " + service.displayName() + " failed: " + e.getMessage(), e);
        }
    }

    private static HttpRequest.BodyPublisher publisher(HttpHeaders incoming, InputStream body) {
        if (body == null) {
            return HttpRequest.BodyPublishers.noBody();
        }
        HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(() -> body);
        long length = incoming.getLength();
        // A known length is kept, so the service sees the same request the client sent; otherwise it is chunked.
        return length >= 0 ? HttpRequest.BodyPublishers.fromPublisher(stream, length) : stream;
    }

    private static void copy(InputStream from, OutputStream to, StreamObserver observer, String contentType)
            throws IOException {
        observer.onStart(contentType);
        try (from) {
            byte[] buffer = new byte[COPY_BUFFER];
            int read;
            while ((read = from.read(buffer)) >= 0) {
                if (read == 0) {
                    continue;
                }
                to.write(buffer, 0, read);
                to.flush();
                observer.onBytes(buffer, read);
            }
        } finally {
            observer.onEnd();
        }
    }

    /** The generic type of an {@link HttpResponse} of an {@link InputStream}, for the {@link Guard}. */
    private static final class HttpResponseOfStream
            extends jakarta.enterprise.util.TypeLiteral<HttpResponse<InputStream>> {
        static final HttpResponseOfStream TYPE = new HttpResponseOfStream();
    }
}
