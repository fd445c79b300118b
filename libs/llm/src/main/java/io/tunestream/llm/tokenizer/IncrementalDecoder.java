package io.tunestream.llm.tokenizer;

import java.util.Arrays;

/**
 * Turns the token ids of one generated sequence, fed one at a time, into text deltas for streaming.
 *
 * <p>Decoding each token alone is wrong twice over: a byte-level token can hold part of a UTF-8 character, and
 * SentencePiece-style decoders drop a token's leading space at the start of a text. So each step decodes a short
 * window that starts a few tokens back (the already emitted "prefix") and emits what the new tokens added to it; when
 * that text ends in U+FFFD, the character is incomplete and the delta waits for the next token.
 * Concatenating every {@link #next} and the final {@link #flush()} gives the decoding of the whole sequence.
 *
 * <p>One instance per sequence; not thread-safe.
 */
public final class IncrementalDecoder {

    private static final char REPLACEMENT_CHARACTER = '\uFFFD';

    private final Tokenizer tokenizer;
    private final boolean skipSpecialTokens;
    /** The tokens of the window: those before {@code readOffset} are emitted, those from it on are pending. */
    private int[] window = new int[16];

    private int windowLength;
    /** Where the emitted tokens that the pending ones are decoded after begin. */
    private int prefixOffset;

    private int readOffset;

    IncrementalDecoder(Tokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /**
     * Adds the next generated token.
     *
     * @return the text it completes, possibly empty while a multi-byte character is still incomplete
     */
    public String next(int tokenId) {
        if (windowLength == window.length) {
            window = Arrays.copyOf(window, window.length * 2);
        }
        window[windowLength++] = tokenId;
        String prefixText = decode(prefixOffset, readOffset);
        String text = decode(prefixOffset, windowLength);
        if (text.length() <= prefixText.length() || text.charAt(text.length() - 1) == REPLACEMENT_CHARACTER) {
            return "";
        }
        String delta = text.substring(prefixText.length());
        // The window only needs the tokens from the previous read offset on: drop the rest to keep steps cheap.
        int keepFrom = readOffset;
        window = Arrays.copyOfRange(window, keepFrom, Math.max(keepFrom + 16, windowLength));
        windowLength -= keepFrom;
        prefixOffset = 0;
        readOffset = windowLength;
        return delta;
    }

    /**
     * Ends the sequence: returns what was held back (with U+FFFD for bytes that never became a character).
     */
    public String flush() {
        String prefixText = decode(prefixOffset, readOffset);
        String text = decode(prefixOffset, windowLength);
        prefixOffset = 0;
        readOffset = 0;
        windowLength = 0;
        return text.length() > prefixText.length() ? text.substring(prefixText.length()) : "";
    }

    private String decode(int from, int to) {
        return from == to ? "" : tokenizer.decode(Arrays.copyOfRange(window, from, to), skipSpecialTokens);
    }
}
