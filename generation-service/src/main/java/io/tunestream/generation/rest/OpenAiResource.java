package io.tunestream.generation.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.Blocking;
import io.tunestream.generation.config.GenerationConfig;
import io.tunestream.generation.rest.OpenAiBodies.ChatChoice;
import io.tunestream.generation.rest.OpenAiBodies.ChatChunkChoice;
import io.tunestream.generation.rest.OpenAiBodies.ChatCompletion;
import io.tunestream.generation.rest.OpenAiBodies.ChatCompletionChunk;
import io.tunestream.generation.rest.OpenAiBodies.ChatLogprobs;
import io.tunestream.generation.rest.OpenAiBodies.Completion;
import io.tunestream.generation.rest.OpenAiBodies.CompletionChoice;
import io.tunestream.generation.rest.OpenAiBodies.CompletionLogprobs;
import io.tunestream.generation.rest.OpenAiBodies.Delta;
import io.tunestream.generation.rest.OpenAiBodies.Message;
import io.tunestream.generation.rest.OpenAiBodies.ModelCard;
import io.tunestream.generation.rest.OpenAiBodies.ModelList;
import io.tunestream.generation.rest.OpenAiBodies.TopLogprob;
import io.tunestream.generation.rest.OpenAiBodies.Usage;
import io.tunestream.generation.service.Decoding;
import io.tunestream.generation.service.InferenceException;
import io.tunestream.generation.service.InferenceService;
import io.tunestream.generation.service.ModelCatalog;
import io.tunestream.generation.service.ModelReference;
import io.tunestream.generation.service.SamplingDefaults;
import io.tunestream.llm.generation.FinishReason;
import io.tunestream.llm.generation.SamplingParams;
import io.tunestream.llm.generation.TokenListener;
import io.tunestream.llm.prompt.ChatMessage;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * OpenAI-compatible inference on every registered model (its production version, {@code MODEL:vN}, {@code MODEL@candidate}): {@code /v1/models}, {@code /v1/completions} and
 * {@code /v1/chat/completions}, streamed as server-sent events with {@code "stream": true}. Requests share the
 * continuous-batching scheduler with the prompts from Kafka.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class OpenAiResource {

    private static final String OWNER = "tunestream";

    private final InferenceService inference;
    private final ModelCatalog catalog;
    private final SamplingDefaults defaults;
    private final ObjectMapper json;
    private final int maxBatchSize;

    public OpenAiResource(
            InferenceService inference,
            ModelCatalog catalog,
            SamplingDefaults defaults,
            ObjectMapper json,
            GenerationConfig config) {
        this.inference = inference;
        this.catalog = catalog;
        this.defaults = defaults;
        this.json = json;
        this.maxBatchSize = config.scheduler().maxBatchSize();
    }

    @GET
    @Path("/models")
    public ModelList models() {
        long created = Instant.now().getEpochSecond();
        List<ModelCard> cards = new ArrayList<>();
        for (ModelCatalog.KnownModel model : catalog.known()) {
            int answering = model.serving() != 0 ? model.serving() : model.production();
            cards.add(new ModelCard(
                    model.name(),
                    "model",
                    created,
                    OWNER,
                    ModelReference.versionId(model.name(), answering),
                    null,
                    answering,
                    model.serving() != 0));
            for (ModelCatalog.KnownVersion version : model.versions()) {
                String id = ModelReference.versionId(model.name(), version.version());
                cards.add(new ModelCard(
                        id, "model", created, OWNER, id, model.name(), version.version(), version.loaded()));
            }
            if (model.candidate() != 0) {
                cards.add(new ModelCard(
                        model.name() + "@candidate",
                        "model",
                        created,
                        OWNER,
                        ModelReference.versionId(model.name(), model.candidate()),
                        model.name(),
                        model.candidate(),
                        catalog.isLoaded(model.name(), model.candidate())));
            }
        }
        return new ModelList("list", cards);
    }

    @GET
    @Path("/models/{model}")
    public ModelCard model(@PathParam("model") String model) {
        return models().data().stream()
                .filter(card -> card.id().equals(model))
                .findFirst()
                .orElseThrow(() -> InferenceException.unknownModel(model, "GET /v1/models lists what is served"));
    }

    @POST
    @Path("/completions")
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Blocking
    public CompletionStage<Response> completions(CompletionRequest request) {
        requireBody(request);
        request.requireSupported();
        String prompt = promptText(request.prompt());
        OpenAiOptions.ResponseFormat format = request.responseFormatRequested();
        Decoding decoding = new Decoding(
                request.sampling().toEngine(defaults, maxBatchSize),
                request.logprobs(),
                format.json(),
                format.schema());
        boolean includeUsage = request.includeUsage();
        String id = "cmpl-" + UUID.randomUUID();
        long created = Instant.now().getEpochSecond();
        if (request.streamed()) {
            return stream(
                    listener -> inference.complete(request.model(), prompt, decoding, listener),
                    (started, events) -> new TokenListener() {
                        @Override
                        public void onToken(int sampleIndex, int tokenId, String textDelta) {
                            if (textDelta != null && !textDelta.isEmpty()) {
                                events.send(completionChunk(id, created, started, sampleIndex, textDelta, null));
                            }
                        }

                        @Override
                        public void onFinish(int sampleIndex, String textRemainder, FinishReason reason) {
                            events.send(completionChunk(
                                    id,
                                    created,
                                    started,
                                    sampleIndex,
                                    textRemainder == null ? "" : textRemainder,
                                    reason.openAiName()));
                        }
                    },
                    includeUsage
                            ? (started, usage) -> new Completion(
                                    id,
                                    "text_completion",
                                    created,
                                    started.model(),
                                    started.fingerprint(),
                                    List.of(),
                                    usage)
                            : null);
        }
        InferenceService.Started started = inference.complete(request.model(), prompt, decoding, TokenListener.NONE);
        return started.result().thenApply(result -> {
            List<CompletionChoice> choices = result.completions().stream()
                    .map(c -> new CompletionChoice(
                            c.text(),
                            c.index(),
                            c.logprobs() == null ? null : completionLogprobs(started, c.logprobs()),
                            c.finishReason().openAiName()))
                    .toList();
            return Response.ok(new Completion(
                            id,
                            "text_completion",
                            created,
                            started.model(),
                            started.fingerprint(),
                            choices,
                            Usage.of(result.promptTokens(), result.completionTokens())))
                    .build();
        });
    }

    @POST
    @Path("/chat/completions")
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Blocking
    public CompletionStage<Response> chatCompletions(ChatCompletionRequest request) {
        requireBody(request);
        request.requireSupported();
        List<ChatMessage> messages = messages(request.messages());
        SamplingParams params = request.sampling().toEngine(defaults, maxBatchSize);
        OpenAiOptions.ResponseFormat format = request.responseFormatRequested();
        Decoding decoding = new Decoding(params, request.logprobAlternatives(), format.json(), format.schema());
        requireRoomForTheSchema(
                decoding, request.maxCompletionTokens() != null ? "max_completion_tokens" : "max_tokens");
        boolean includeUsage = request.includeUsage();
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = Instant.now().getEpochSecond();
        if (request.streamed()) {
            return stream(
                    listener -> inference.chat(request.model(), messages, decoding, listener),
                    (started, events) -> {
                        for (int sample = 0; sample < params.n(); sample++) {
                            events.send(
                                    chatChunk(id, created, started, sample, new Delta("assistant", ""), null, null));
                        }
                        return new StreamedChat(
                                id, created, started, events, params.n(), decoding.topLogprobs() != null);
                    },
                    includeUsage
                            ? (started, usage) -> new ChatCompletionChunk(
                                    id,
                                    "chat.completion.chunk",
                                    created,
                                    started.model(),
                                    started.fingerprint(),
                                    List.of(),
                                    usage)
                            : null);
        }
        InferenceService.Started started = inference.chat(request.model(), messages, decoding, TokenListener.NONE);
        return started.result().thenApply(result -> {
            List<ChatChoice> choices = result.completions().stream()
                    .map(c -> new ChatChoice(
                            c.index(),
                            new Message(ChatMessage.ASSISTANT, c.text()),
                            c.logprobs() == null ? null : chatLogprobs(started, c.logprobs()),
                            c.finishReason().openAiName()))
                    .toList();
            return Response.ok(new ChatCompletion(
                            id,
                            "chat.completion",
                            created,
                            started.model(),
                            started.fingerprint(),
                            choices,
                            Usage.of(result.promptTokens(), result.completionTokens())))
                    .build();
        });
    }

    private static ChatLogprobs chatLogprobs(
            InferenceService.Started started, List<io.tunestream.llm.generation.TokenLogprob> logprobs) {
        List<OpenAiBodies.TokenLogprob> content = new ArrayList<>();
        for (io.tunestream.llm.generation.TokenLogprob logprob : logprobs) {
            content.add(tokenLogprob(started, logprob));
        }
        return new ChatLogprobs(content, null);
    }

    private static OpenAiBodies.TokenLogprob tokenLogprob(
            InferenceService.Started started, io.tunestream.llm.generation.TokenLogprob logprob) {
        int[] topIds = logprob.topIds();
        float[] topValues = logprob.topLogprobs();
        List<TopLogprob> top = new ArrayList<>();
        for (int i = 0; i < topIds.length; i++) {
            String token = started.served().tokenText(topIds[i]);
            top.add(new TopLogprob(token, topValues[i], utf8(token)));
        }
        String token = started.served().tokenText(logprob.tokenId());
        return new OpenAiBodies.TokenLogprob(token, logprob.logprob(), utf8(token), top);
    }

    private static CompletionLogprobs completionLogprobs(
            InferenceService.Started started, List<io.tunestream.llm.generation.TokenLogprob> logprobs) {
        List<String> tokens = new ArrayList<>();
        List<Float> values = new ArrayList<>();
        List<Map<String, Float>> tops = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        int offset = 0;
        for (io.tunestream.llm.generation.TokenLogprob logprob : logprobs) {
            String token = started.served().tokenText(logprob.tokenId());
            tokens.add(token);
            values.add(logprob.logprob());
            offsets.add(offset);
            offset += token.length();
            Map<String, Float> top = new LinkedHashMap<>();
            int[] topIds = logprob.topIds();
            float[] topValues = logprob.topLogprobs();
            for (int i = 0; i < topIds.length; i++) {
                top.putIfAbsent(started.served().tokenText(topIds[i]), topValues[i]);
            }
            tops.add(top);
        }
        return new CompletionLogprobs(tokens, values, tops, offsets);
    }

    private static List<Integer> utf8(String token) {
        List<Integer> bytes = new ArrayList<>();
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xff);
        }
        return bytes;
    }

    /** The last chunk of a stream that asked for usage: no choices, the usage. */
    private interface UsageChunk {
        Object create(InferenceService.Started started, Usage usage);
    }

    /** Builds the listener once the version that answers is known, since every chunk names it. */
    private interface ListenerFactory {
        TokenListener create(InferenceService.Started started, ServerSentEvents events);
    }

    /**
     * Starts a streamed generation. Errors found before the first token (unknown model, bad parameters, full queue)
     * are thrown here and become ordinary JSON error responses; once streaming, the generation's chunks follow.
     */
    private CompletionStage<Response> stream(
            Function<TokenListener, InferenceService.Started> start, ListenerFactory listeners, UsageChunk usage) {
        DeferredListener deferred = new DeferredListener();
        InferenceService.Started started = start.apply(deferred);
        ServerSentEvents events =
                new ServerSentEvents(json, () -> started.result().cancel(false));
        deferred.delegateTo(listeners.create(started, events));
        started.result().whenComplete((result, failure) -> {
            if (failure != null && !started.result().isCancelled()) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure;
                events.send(OpenAiBodies.ErrorBody.of(
                        "generation failed: " + cause.getMessage(), "server_error", null, "generation_failed"));
            } else if (failure == null && usage != null) {
                events.send(usage.create(started, Usage.of(result.promptTokens(), result.completionTokens())));
            }
            events.end();
        });
        return CompletableFuture.completedFuture(Response.ok(events, MediaType.SERVER_SENT_EVENTS)
                .header("Cache-Control", "no-cache")
                .build());
    }

    /**
     * The listener handed to the scheduler before the started generation (and so the version in every chunk) is
     * known; tokens cannot arrive before {@link #delegateTo} runs except on a very fast scheduler, so they wait in
     * the order they came.
     */
    private static final class DeferredListener implements TokenListener {

        private final List<Runnable> early = new ArrayList<>();
        private TokenListener target;

        synchronized void delegateTo(TokenListener listener) {
            target = listener;
            early.forEach(Runnable::run);
            early.clear();
        }

        @Override
        public void onToken(int sampleIndex, int tokenId, String textDelta) {
            onToken(sampleIndex, tokenId, textDelta, null);
        }

        @Override
        public synchronized void onToken(
                int sampleIndex, int tokenId, String textDelta, io.tunestream.llm.generation.TokenLogprob logprob) {
            if (target == null) {
                early.add(() -> target.onToken(sampleIndex, tokenId, textDelta, logprob));
            } else {
                target.onToken(sampleIndex, tokenId, textDelta, logprob);
            }
        }

        @Override
        public synchronized void onFinish(int sampleIndex, String textRemainder, FinishReason reason) {
            if (target == null) {
                early.add(() -> target.onFinish(sampleIndex, textRemainder, reason));
            } else {
                target.onFinish(sampleIndex, textRemainder, reason);
            }
        }
    }

    private static Completion completionChunk(
            String id, long created, InferenceService.Started started, int index, String text, String finishReason) {
        return new Completion(
                id,
                "text_completion",
                created,
                started.model(),
                started.fingerprint(),
                List.of(new CompletionChoice(text, index, null, finishReason)),
                null);
    }

    private static ChatCompletionChunk chatChunk(
            String id,
            long created,
            InferenceService.Started started,
            int index,
            Delta delta,
            ChatLogprobs logprobs,
            String finishReason) {
        return new ChatCompletionChunk(
                id,
                "chat.completion.chunk",
                created,
                started.model(),
                started.fingerprint(),
                List.of(new ChatChunkChoice(index, delta, logprobs, finishReason)),
                null);
    }

    /**
     * A streamed chat's chunks: one per piece of decoded text, each carrying (with logprobs) the tokens that piece
     * came from, OpenAI's chunk shape. A token whose text is held back (part of a character or of a possible stop
     * string) has its log-probability sent with the next piece, or with the last chunk.
     */
    private static final class StreamedChat implements TokenListener {

        private final String id;
        private final long created;
        private final InferenceService.Started started;
        private final ServerSentEvents events;
        /** Per sample, the tokens not sent yet; null without logprobs. */
        private final List<List<OpenAiBodies.TokenLogprob>> unsent;

        StreamedChat(
                String id,
                long created,
                InferenceService.Started started,
                ServerSentEvents events,
                int samples,
                boolean logprobs) {
            this.id = id;
            this.created = created;
            this.started = started;
            this.events = events;
            if (logprobs) {
                unsent = new ArrayList<>();
                for (int sample = 0; sample < samples; sample++) {
                    unsent.add(new ArrayList<>());
                }
            } else {
                unsent = null;
            }
        }

        @Override
        public void onToken(int sampleIndex, int tokenId, String textDelta) {
            onToken(sampleIndex, tokenId, textDelta, null);
        }

        @Override
        public void onToken(
                int sampleIndex, int tokenId, String textDelta, io.tunestream.llm.generation.TokenLogprob logprob) {
            if (unsent != null && logprob != null) {
                unsent.get(sampleIndex).add(tokenLogprob(started, logprob));
            }
            if (textDelta != null && !textDelta.isEmpty()) {
                events.send(chatChunk(
                        id, created, started, sampleIndex, new Delta(null, textDelta), take(sampleIndex), null));
            }
        }

        @Override
        public void onFinish(int sampleIndex, String textRemainder, FinishReason reason) {
            if (textRemainder != null && !textRemainder.isEmpty()) {
                events.send(chatChunk(
                        id, created, started, sampleIndex, new Delta(null, textRemainder), take(sampleIndex), null));
            }
            events.send(chatChunk(
                    id, created, started, sampleIndex, new Delta(null, null), take(sampleIndex), reason.openAiName()));
        }

        private ChatLogprobs take(int sampleIndex) {
            if (unsent == null || unsent.get(sampleIndex).isEmpty()) {
                return null;
            }
            List<OpenAiBodies.TokenLogprob> tokens = List.copyOf(unsent.get(sampleIndex));
            unsent.get(sampleIndex).clear();
            return new ChatLogprobs(tokens, null);
        }
    }

    /**
     * A schema's shortest answer takes {@code minLength} characters, at worst one token each (the grammar's
     * assumption): a smaller token limit could not end with a valid value.
     */
    private static void requireRoomForTheSchema(Decoding decoding, String param) {
        if (decoding.schema() != null
                && decoding.params().maxNewTokens() < decoding.schema().minLength()) {
            throw InferenceException.invalid(
                    param,
                    param + " is " + decoding.params().maxNewTokens() + ", but the shortest value of the"
                            + " response_format schema takes "
                            + decoding.schema().minLength() + " characters;"
                            + " allow at least that many tokens");
        }
    }

    private static void requireBody(Object request) {
        if (request == null) {
            throw InferenceException.invalid(null, "the request needs a JSON body");
        }
    }

    private static String promptText(JsonNode prompt) {
        if (prompt != null && prompt.isTextual()) {
            return prompt.asText();
        }
        if (prompt != null
                && prompt.isArray()
                && prompt.size() == 1
                && prompt.get(0).isTextual()) {
            return prompt.get(0).asText();
        }
        throw InferenceException.invalid("prompt", "prompt must be a string (or an array holding one string)");
    }

    private static List<ChatMessage> messages(List<ChatCompletionRequest.Message> messages) {
        if (messages == null || messages.isEmpty()) {
            throw InferenceException.invalid("messages", "messages must hold at least one message");
        }
        List<ChatMessage> converted = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            ChatCompletionRequest.Message message = messages.get(i);
            if (message == null || message.content() == null) {
                throw InferenceException.invalid("messages[" + i + "].content", "every message needs a string content");
            }
            try {
                converted.add(new ChatMessage(message.role(), message.content()));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw InferenceException.invalid(
                        "messages[" + i + "].role", "messages[" + i + "].role: " + e.getMessage());
            }
        }
        return converted;
    }
}
