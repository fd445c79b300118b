package io.tunestream.llm.evaluation;

import io.tunestream.llm.generation.Completion;
import io.tunestream.llm.generation.GenerationRequest;
import io.tunestream.llm.generation.GenerationResult;
import io.tunestream.llm.generation.GenerationScheduler;
import io.tunestream.llm.generation.QueueFullException;
import io.tunestream.llm.generation.SamplingParams;
import io.tunestream.llm.prompt.ChatMessage;
import io.tunestream.llm.prompt.PromptTemplate;
import io.tunestream.llm.tasks.AnswerExtractor;
import io.tunestream.llm.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Asks a model every evaluation question and scores its answers by exact match. Each prompt is rendered as a single
 * user message with the generation prompt, and all items are submitted at once, so the scheduler's continuous
 * batching decodes them together; when its queue is full, the evaluator waits for its own earliest request.
 *
 * <p>With {@code n > 1} sampled answers per question the prediction is the majority answer (self-consistency, Wang
 * et al. 2023); see {@link #majorityVote}.
 */
public final class ExactMatchEvaluator {

    /** How long to wait before resubmitting when other callers, not this evaluator, fill the queue. */
    private static final long QUEUE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final GenerationScheduler scheduler;
    private final Tokenizer tokenizer;
    private final PromptTemplate template;
    private final SamplingParams params;

    /**
     * @param params how to sample; {@code n > 1} asks each question n times and votes, which needs a temperature
     * @throws IllegalArgumentException when {@code n > 1} with greedy decoding, whose n answers would be identical
     */
    public ExactMatchEvaluator(
            GenerationScheduler scheduler, Tokenizer tokenizer, PromptTemplate template, SamplingParams params) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.template = Objects.requireNonNull(template, "template");
        this.params = Objects.requireNonNull(params, "params");
        if (params.n() > 1 && params.isGreedy()) {
            throw new IllegalArgumentException("self-consistency with n = " + params.n() + " needs temperature > 0;"
                    + " greedy decoding would give n identical answers");
        }
    }

    /** Greedy decoding of up to {@code maxNewTokens} tokens per answer. */
    public static ExactMatchEvaluator greedy(
            GenerationScheduler scheduler, Tokenizer tokenizer, PromptTemplate template, int maxNewTokens) {
        return new ExactMatchEvaluator(scheduler, tokenizer, template, SamplingParams.greedy(maxNewTokens));
    }

    /**
     * Generates answers to every item and scores them.
     *
     * @throws IllegalStateException naming the item when its generation failed
     */
    public EvalReport evaluate(List<EvalItem> items) {
        List<CompletableFuture<GenerationResult>> futures = new ArrayList<>(items.size());
        int oldestWaitedFor = 0;
        for (EvalItem item : items) {
            String text = template.render(List.of(ChatMessage.user(item.prompt())), true);
            GenerationRequest request = new GenerationRequest(tokenizer.encode(text, false), params);
            while (true) {
                try {
                    futures.add(scheduler.submit(request));
                    break;
                } catch (QueueFullException full) {
                    if (oldestWaitedFor < futures.size()) {
                        // Failures surface when results are collected below, with the item they belong to.
                        futures.get(oldestWaitedFor++)
                                .handle((result, failure) -> null)
                                .join();
                    } else {
                        LockSupport.parkNanos(QUEUE_RETRY_NANOS);
                    }
                }
            }
        }
        List<ItemResult> results = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            GenerationResult result;
            try {
                result = futures.get(i).join();
            } catch (CompletionException e) {
                throw new IllegalStateException(
                        "generation failed for eval item " + i + " ("
                                + items.get(i).family() + ": \"" + items.get(i).prompt() + "\")",
                        e.getCause());
            }
            results.add(score(
                    items.get(i), result.completions().stream().map(this::text).toList()));
        }
        return EvalReport.of(results);
    }

    private String text(Completion completion) {
        // A scheduler built without a decoder returns ids only.
        return completion.text() != null ? completion.text() : tokenizer.decode(completion.tokenIds(), true);
    }

    /**
     * Scores completions of one item: reads an answer from each (the item's {@link AnswerPattern}, else
     * {@link AnswerExtractor} for its family), takes the majority, and compares it with the item's answer in the
     * same canonical form. No answer is never correct.
     */
    public static ItemResult score(EvalItem item, List<String> completions) {
        List<String> answers = completions.stream()
                .map(completion -> answerIn(item, completion))
                .toList();
        String predicted = majorityVote(answers);
        String expected = item.answerPattern() != null
                ? item.answer().strip()
                : AnswerExtractor.extract(item.family(), item.answer());
        return new ItemResult(item, completions, predicted, !predicted.isEmpty() && predicted.equals(expected));
    }

    private static String answerIn(EvalItem item, String completion) {
        return item.answerPattern() != null
                ? item.answerPattern().extract(completion)
                : AnswerExtractor.extract(item.family(), completion);
    }

    /**
     * The most frequent non-empty answer; a tie goes to the answer that occurred first. Empty answers (completions
     * without one) do not vote, so one readable answer beats several unreadable ones.
     *
     * @return the empty string when no answer is non-empty
     */
    public static String majorityVote(List<String> answers) {
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (String answer : answers) {
            if (!answer.isEmpty()) {
                votes.merge(answer, 1, Integer::sum);
            }
        }
        String winner = "";
        int most = 0;
        // Insertion order is first occurrence; a later answer must have strictly more votes to win.
        for (Map.Entry<String, Integer> entry : votes.entrySet()) {
            if (entry.getValue() > most) {
                winner = entry.getKey();
                most = entry.getValue();
            }
        }
        return winner;
    }
}
