package io.tunestream.training.service;

import io.tunestream.llm.data.ConversationRecord;
import io.tunestream.llm.data.DataRecord;
import io.tunestream.llm.data.InstructionRecord;
import io.tunestream.llm.data.PreferenceRecord;
import io.tunestream.llm.generation.GenerationRequest;
import io.tunestream.llm.generation.GenerationResult;
import io.tunestream.llm.generation.GenerationScheduler;
import io.tunestream.llm.generation.SamplingParams;
import io.tunestream.llm.generation.SchedulerSettings;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.prompt.ChatMessage;
import io.tunestream.llm.prompt.PromptTemplate;
import io.tunestream.llm.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Exact match on verifiable questions: a held-out record whose reference answer is short (at most
 * {@code maxAnswerTokens} tokens: a number, a word, a label) is asked with greedy decoding, and the answer counts when
 * it equals the reference after trimming and collapsing whitespace. The reference is the record's last assistant turn
 * (SFT) or its chosen answer (DPO: the ground truth). Long, free-form answers are not verifiable this way and are left
 * to the loss or the preference metrics.
 */
final class ExactMatch {

    /** A question with its reference answer. */
    record Question(List<ChatMessage> prompt, String answer) {}

    private ExactMatch() {}

    /** The question a record asks, when it has a single reference answer at its end. */
    static Optional<Question> question(DataRecord record) {
        if (record instanceof PreferenceRecord preference) {
            List<ChatMessage> prompt = new ArrayList<>();
            if (preference.system() != null && !preference.system().isBlank()) {
                prompt.add(ChatMessage.system(preference.system()));
            }
            prompt.add(ChatMessage.user(preference.prompt()));
            return Optional.of(new Question(prompt, preference.chosen()));
        }
        List<ChatMessage> messages = List.of();
        if (record instanceof InstructionRecord instruction) {
            messages = instruction.messages();
        } else if (record instanceof ConversationRecord conversation) {
            messages = conversation.messages();
        }
        if (messages.size() < 2 || !messages.get(messages.size() - 1).role().equals(ChatMessage.ASSISTANT)) {
            return Optional.empty();
        }
        return Optional.of(new Question(
                messages.subList(0, messages.size() - 1),
                messages.get(messages.size() - 1).content()));
    }

    /** The questions whose reference answer is short enough to be checked by exact match. */
    static List<Question> verifiable(List<Question> questions, Tokenizer tokenizer, int maxAnswerTokens) {
        return questions.stream()
                .filter(question -> !question.answer().isBlank())
                .filter(question -> tokenizer.encode(question.answer().strip(), false).length <= maxAnswerTokens)
                .toList();
    }

    /**
     * The share of {@code questions} that {@code model} answers exactly, by greedy decoding of up to
     * {@code maxAnswerTokens + 4} tokens each, batched by the engine's scheduler.
     */
    static double accuracy(
            LlamaModel model,
            Tokenizer tokenizer,
            PromptTemplate template,
            List<Question> questions,
            int maxAnswerTokens) {
        if (questions.isEmpty()) {
            return Double.NaN;
        }
        boolean[] correct = correct(model, tokenizer, template, questions, maxAnswerTokens + 4);
        int right = 0;
        for (boolean one : correct) {
            right += one ? 1 : 0;
        }
        return (double) right / questions.size();
    }

    /** Item by item, whether {@code model}'s greedy answer of up to {@code maxNewTokens} tokens is the reference. */
    static boolean[] correct(
            LlamaModel model,
            Tokenizer tokenizer,
            PromptTemplate template,
            List<Question> questions,
            int maxNewTokens) {
        List<String> answers = answers(model, tokenizer, template, questions, maxNewTokens);
        boolean[] correct = new boolean[questions.size()];
        for (int i = 0; i < correct.length; i++) {
            correct[i] = answers.get(i) != null
                    && normalize(answers.get(i))
                            .equals(normalize(questions.get(i).answer()));
        }
        return correct;
    }

    /**
     * {@code model}'s greedy answers of up to {@code maxNewTokens} tokens, batched by the engine's scheduler; null for
     * a question too long for the model's window (asked nothing, so it counts as wrong).
     */
    static List<String> answers(
            LlamaModel model,
            Tokenizer tokenizer,
            PromptTemplate template,
            List<Question> questions,
            int maxNewTokens) {
        if (questions.isEmpty()) {
            return List.of();
        }
        SamplingParams greedy = SamplingParams.greedy(maxNewTokens);
        try (GenerationScheduler scheduler = new GenerationScheduler(
                model,
                ids -> tokenizer.decode(ids, true),
                Arrays.stream(tokenizer.eosTokenIds()).boxed().collect(Collectors.toSet()),
                new SchedulerSettings(16, questions.size()))) {
            List<CompletableFuture<GenerationResult>> pending = new ArrayList<>();
            int window = model.config().maxPositionEmbeddings();
            for (Question question : questions) {
                int[] prompt = tokenizer.encode(template.render(question.prompt(), true), false);
                pending.add(
                        prompt.length + greedy.maxNewTokens() > window
                                ? null
                                : scheduler.submit(new GenerationRequest(prompt, greedy)));
            }
            List<String> answers = new ArrayList<>(questions.size());
            for (CompletableFuture<GenerationResult> answer : pending) {
                answers.add(
                        answer == null
                                ? null
                                : answer.join().completions().get(0).text());
            }
            return answers;
        }
    }

    static String normalize(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s+", " ");
    }
}
