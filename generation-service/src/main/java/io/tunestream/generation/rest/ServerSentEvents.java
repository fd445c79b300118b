package io.tunestream.generation.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A stream of OpenAI chunks as server-sent events: {@code data: {...}} per chunk, flushed one by one, ending with
 * {@code data: [DONE]}.
 *
 * <p>The scheduler's decode thread {@link #send(Object) sends} chunks (it must never block, so the queue is unbounded;
 * a generation's chunks are bounded by its {@code max_tokens}); the HTTP worker thread writes them as they come. When
 * the client goes away, {@code onClientGone} runs so that the generation stops spending decode steps.
 */
final class ServerSentEvents implements StreamingOutput {

    private static final Object END = new Object();

    private final BlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
    private final ObjectMapper json;
    private final Runnable onClientGone;

    ServerSentEvents(ObjectMapper json, Runnable onClientGone) {
        this.json = json;
        this.onClientGone = onClientGone;
    }

    void send(Object chunk) {
        chunks.add(chunk);
    }

    /** No chunk follows; the stream ends with {@code [DONE]}. */
    void end() {
        chunks.add(END);
    }

    @Override
    public void write(OutputStream output) throws IOException {
        try {
            while (true) {
                Object chunk = chunks.take();
                String data = chunk == END ? "[DONE]" : json.writeValueAsString(chunk);
                output.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
                output.flush();
                if (chunk == END) {
                    return;
                }
            }
        } catch (IOException e) {
            onClientGone.run();
            throw e;
        } catch (InterruptedException e) {
            onClientGone.run();
            Thread.currentThread().interrupt();
        }
    }
}
