package io.tunestream.llm.training;

import io.tunestream.llm.data.ConversationRecord;
import io.tunestream.llm.data.DataRecord;
import io.tunestream.llm.data.InstructionRecord;
import io.tunestream.llm.data.PreferenceRecord;
import io.tunestream.llm.data.TextRecord;
import io.tunestream.llm.prompt.ChatMessage;
import io.tunestream.llm.prompt.PromptSegment;
import io.tunestream.llm.prompt.PromptTemplate;
import io.tunestream.llm.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns data records into tokenized training examples: text packed into fixed-length blocks for continued
 * pretraining; conversations rendered with the model's template with the loss on every assistant turn (SFT);
 * preference pairs as prompt + chosen and prompt + rejected, truncated like TRL (the prompt keeps its end, the
 * response is cut last).
 */
public final class TrainingData {

    private final Tokenizer tokenizer;
    private final PromptTemplate template;

    public TrainingData(Tokenizer tokenizer, PromptTemplate template) {
        this.tokenizer = tokenizer;
        this.template = template;
    }

    /**
     * Concatenates the texts, each followed by the end-of-sequence token, and cuts the stream into blocks of
     * {@code blockSize} tokens, every token learned; the tail shorter than a block is dropped, as Hugging Face's
     * {@code group_texts} does.
     */
    public List<TrainingExample> pretrainBlocks(List<String> texts, int blockSize) {
        if (blockSize < 2) {
            throw new IllegalArgumentException("a block needs at least 2 tokens, got " + blockSize);
        }
        int[] eos = tokenizer.eosTokenIds();
        List<TrainingExample> blocks = new ArrayList<>();
        int[] buffer = new int[blockSize];
        int filled = 0;
        for (String text : texts) {
            int[] ids = tokenizer.encode(text, false);
            int[] withEnd = eos.length == 0 ? ids : append(ids, eos[0]);
            for (int id : withEnd) {
                buffer[filled++] = id;
                if (filled == blockSize) {
                    blocks.add(TrainingExample.allTokens(buffer));
                    filled = 0;
                }
            }
        }
        return blocks;
    }

    /** An SFT example: loss on the assistant's tokens (their content and end-of-turn marker) only. */
    public TrainingExample sft(List<ChatMessage> messages, int maxLength) {
        List<Integer> ids = new ArrayList<>();
        List<Boolean> learn = new ArrayList<>();
        for (PromptSegment segment : template.segments(messages)) {
            for (int id : tokenizer.encode(segment.text(), false)) {
                ids.add(id);
                learn.add(segment.trainable());
            }
        }
        int length = Math.min(maxLength, ids.size());
        int[] idArray = new int[length];
        boolean[] learnArray = new boolean[length];
        for (int i = 0; i < length; i++) {
            idArray[i] = ids.get(i);
            learnArray[i] = learn.get(i);
        }
        return new TrainingExample(idArray, learnArray);
    }

    /** An SFT example from an instruction or conversation record. */
    public TrainingExample sft(DataRecord record, int maxLength) {
        if (record instanceof InstructionRecord instruction) {
            return sft(instruction.messages(), maxLength);
        }
        if (record instanceof ConversationRecord conversation) {
            return sft(conversation.messages(), maxLength);
        }
        throw new IllegalArgumentException("SFT needs instruction or conversation records, got "
                + record.format().label());
    }

    /** Continued pretraining texts from text records (other records contribute their rendered conversation). */
    public static String text(DataRecord record, PromptTemplate template) {
        if (record instanceof TextRecord text) {
            return text.text();
        }
        if (record instanceof InstructionRecord instruction) {
            return template.render(instruction.messages(), false);
        }
        if (record instanceof ConversationRecord conversation) {
            return template.render(conversation.messages(), false);
        }
        throw new IllegalArgumentException(
                "pretraining needs text records, got " + record.format().label());
    }

    /**
     * A DPO pair: the prompt rendered as a user turn with the generation prompt, each answer followed by the
     * end-of-sequence token. Over {@code maxLength}, the prompt is cut to its last {@code maxPromptLength} tokens,
     * then the answers are cut to fit (TRL keeps the end of the prompt the same way; its defaults are 512 and 512).
     */
    public PreferenceExample preference(PreferenceRecord record, int maxLength, int maxPromptLength) {
        List<ChatMessage> messages = new ArrayList<>();
        if (!record.system().isEmpty()) {
            messages.add(ChatMessage.system(record.system()));
        }
        messages.add(ChatMessage.user(record.prompt()));
        int[] prompt = tokenizer.encode(template.render(messages, true), false);
        int[] chosen = answer(record.chosen());
        int[] rejected = answer(record.rejected());
        int longest = Math.max(chosen.length, rejected.length);
        if (prompt.length + longest > maxLength && prompt.length > maxPromptLength) {
            prompt = Arrays.copyOfRange(prompt, prompt.length - maxPromptLength, prompt.length);
        }
        int room = Math.max(1, maxLength - prompt.length);
        return new PreferenceExample(join(prompt, truncate(chosen, room)), join(prompt, truncate(rejected, room)));
    }

    private int[] answer(String text) {
        int[] ids = tokenizer.encode(text, false);
        int[] eos = tokenizer.eosTokenIds();
        return eos.length == 0 ? ids : append(ids, eos[0]);
    }

    private static int[] truncate(int[] ids, int length) {
        return ids.length <= length ? ids : Arrays.copyOf(ids, length);
    }

    private static TrainingExample join(int[] prompt, int[] answer) {
        int[] ids = new int[prompt.length + answer.length];
        boolean[] learn = new boolean[ids.length];
        System.arraycopy(prompt, 0, ids, 0, prompt.length);
        System.arraycopy(answer, 0, ids, prompt.length, answer.length);
        Arrays.fill(learn, prompt.length, ids.length, true);
        return new TrainingExample(ids, learn);
    }

    private static int[] append(int[] ids, int id) {
        int[] longer = Arrays.copyOf(ids, ids.length + 1);
        longer[ids.length] = id;
        return longer;
    }
}
