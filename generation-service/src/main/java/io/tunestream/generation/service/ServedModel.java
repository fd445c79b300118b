package io.tunestream.generation.service;

import io.tunestream.llm.generation.GenerationScheduler;
import io.tunestream.llm.generation.JsonGrammar;
import io.tunestream.llm.generation.SchedulerSettings;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.prompt.PromptTemplate;
import io.tunestream.llm.prompt.PromptTemplates;
import io.tunestream.llm.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * One model version in memory with its tokenizer, chat template and its own continuous-batching scheduler.
 *
 * <p>Users hold it while they use it ({@link #tryAcquire()} ... {@link #release()}); the service holds it while it is
 * the current version. A hot swap {@link #retire() retires} it: new work goes to the new version, the work already
 * submitted here finishes here, and the last release closes scheduler, tokenizer and weights. Closing runs on
 * {@code closer}, never on the caller: the last release often happens on this scheduler's own decode thread (a
 * future's callback), which {@link GenerationScheduler#close()} would wait for forever.
 */
public final class ServedModel {

    private static final Logger LOG = Logger.getLogger(ServedModel.class);

    private final String name;
    private final int version;
    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final PromptTemplate chatTemplate;
    private final GenerationScheduler scheduler;
    private final Executor closer;
    /** Built on the first JSON-mode request. */
    private JsonGrammar jsonGrammar;
    /** Each token's decoded text, for the grammars; built on the first constrained request. */
    private String[] tokenTexts;
    /** The service's hold while current, plus one per user; closing happens when it reaches zero. */
    private final AtomicInteger holds = new AtomicInteger(1);

    private ServedModel(
            String name,
            int version,
            LlamaModel model,
            Tokenizer tokenizer,
            PromptTemplate chatTemplate,
            GenerationScheduler scheduler,
            Executor closer) {
        this.name = name;
        this.version = version;
        this.model = model;
        this.tokenizer = tokenizer;
        this.chatTemplate = chatTemplate;
        this.scheduler = scheduler;
        this.closer = closer;
    }

    /**
     * Loads a Hugging Face checkpoint directory and starts its scheduler.
     *
     * @param fallbackChatTemplate the built-in template for chat when the tokenizer has none of its own
     */
    public static ServedModel open(
            String name,
            int version,
            Path directory,
            SchedulerSettings settings,
            String fallbackChatTemplate,
            Executor closer) {
        // Loading creates arrays on this thread; keep autograd from recording anything here.
        Inference.disableGradientsOnThisThread();
        Tokenizer tokenizer = Tokenizer.load(directory);
        LlamaModel model;
        try {
            model = LlamaModel.load(directory);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
        try {
            PromptTemplate template = PromptTemplates.forTokenizer(tokenizer, fallbackChatTemplate);
            Set<Integer> eos = new LinkedHashSet<>(model.config().eosTokenIds());
            for (int id : tokenizer.eosTokenIds()) {
                eos.add(id);
            }
            GenerationScheduler scheduler =
                    new GenerationScheduler(model, ids -> tokenizer.decode(ids, true), eos, settings);
            return new ServedModel(name, version, model, tokenizer, template, scheduler, closer);
        } catch (RuntimeException e) {
            model.close();
            tokenizer.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    public int version() {
        return version;
    }

    /** The weights' size in memory: the engine computes in F32, whatever the checkpoint stores. */
    public long memoryBytes() {
        return model.parameterCount() * Float.BYTES;
    }

    public GenerationScheduler scheduler() {
        return scheduler;
    }

    public PromptTemplate chatTemplate() {
        return chatTemplate;
    }

    /**
     * Token ids of a prompt.
     *
     * @param rendered true for text rendered with a chat template, which already holds its special tokens; false for
     *     raw text, which gets the tokenizer's own (such as a leading bos) as Hugging Face's generate does
     */
    public int[] encode(String prompt, boolean rendered) {
        return tokenizer.encode(prompt, !rendered);
    }

    /** A token's own text, special tokens included, as logprobs show it. */
    public String tokenText(int tokenId) {
        return tokenizer.decode(new int[] {tokenId}, false);
    }

    /** JSON mode's grammar over this model's vocabulary. */
    public synchronized JsonGrammar jsonGrammar() {
        if (jsonGrammar == null) {
            jsonGrammar = new JsonGrammar(tokenTexts());
        }
        return jsonGrammar;
    }

    /** A JSON schema's grammar over this model's vocabulary (per request: schemas differ). */
    public JsonSchemaGrammar schemaGrammar(JsonSchemaSubset schema) {
        return new JsonSchemaGrammar(schema, tokenTexts());
    }

    /** Each token id's text, decoded once on the first constrained request: the whole vocabulary takes a moment. */
    private synchronized String[] tokenTexts() {
        if (tokenTexts == null) {
            String[] texts = new String[model.config().vocabSize()];
            for (int id = 0; id < texts.length; id++) {
                try {
                    texts[id] = tokenizer.decode(new int[] {id}, true);
                } catch (RuntimeException outsideTheTokenizer) {
                    texts[id] = null; // an id of the embedding matrix that the tokenizer does not know: never drawn
                }
            }
            tokenTexts = texts;
        }
        return tokenTexts;
    }

    /** Takes a hold for one unit of work; false once the model is closing, so the caller takes the current one. */
    public boolean tryAcquire() {
        int current;
        do {
            current = holds.get();
            if (current == 0) {
                return false;
            }
        } while (!holds.compareAndSet(current, current + 1));
        return true;
    }

    public void release() {
        if (holds.decrementAndGet() == 0) {
            try {
                closer.execute(this::close);
            } catch (RejectedExecutionException shuttingDown) {
                new Thread(this::close, "tunestream-model-closer").start();
            }
        }
    }

    /** Drops the service's hold: the model closes once the work holding it has finished. */
    public void retire() {
        release();
    }

    private void close() {
        LOG.infof("closing model %s version %d: its last work has finished", name, version);
        scheduler.close();
        tokenizer.close();
        model.close();
    }

    @Override
    public String toString() {
        return name + " version " + version;
    }
}
