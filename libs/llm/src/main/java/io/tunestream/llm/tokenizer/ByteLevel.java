package io.tunestream.llm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level pre-tokenization, as the {@code ByteLevel} pre-tokenizer of Hugging Face tokenizers does it:
 * split text with GPT-2's regular expression, then spell each piece's UTF-8 bytes with one printable character per
 * byte, so that every text has a spelling in 256 symbols and nothing is ever unknown.
 */
final class ByteLevel {

    /**
     * GPT-2's split; UNICODE_CHARACTER_CLASS makes {@code \s} Unicode-aware as it is in the Rust implementation.
     */
    private static final Pattern GPT2_SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final char[] BYTE_TO_CHAR = byteToChar();

    private ByteLevel() {}

    /**
     * GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the other 68 bytes (controls, space,
     * soft hyphen...) take the code points from U+0100 on, in byte order.
     */
    private static char[] byteToChar() {
        char[] chars = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            chars[b] = printable ? (char) b : (char) next++;
        }
        return chars;
    }

    /** The symbol that spells one byte. */
    static String symbol(int unsignedByte) {
        return String.valueOf(BYTE_TO_CHAR[unsignedByte]);
    }

    /** The pieces of a text, each already spelled in byte symbols. */
    static List<String> preTokenize(String text) {
        return preTokenize(text, false);
    }

    /**
     * The pieces of a text, each already spelled in byte symbols. With {@code individualDigits}, every digit is a
     * piece of its own before GPT-2's split runs on the text between digits: the {@code Digits} pre-tokenizer of
     * Hugging Face tokenizers followed by {@code ByteLevel}, as written to tokenizer.json, so no merge ever joins a
     * digit to anything and a number reads the same wherever it stands (what Llama's and Qwen's tokenizers do).
     */
    static List<String> preTokenize(String text, boolean individualDigits) {
        List<String> pieces = new ArrayList<>();
        if (!individualDigits) {
            split(text, pieces);
            return pieces;
        }
        int start = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            int next = i + Character.charCount(codePoint);
            if (Character.getType(codePoint) == Character.DECIMAL_DIGIT_NUMBER
                    || Character.getType(codePoint) == Character.LETTER_NUMBER
                    || Character.getType(codePoint) == Character.OTHER_NUMBER) {
                split(text.substring(start, i), pieces);
                pieces.add(spell(text.substring(i, next)));
                start = next;
            }
            i = next;
        }
        split(text.substring(start), pieces);
        return pieces;
    }

    private static void split(String text, List<String> pieces) {
        Matcher matcher = GPT2_SPLIT.matcher(text);
        while (matcher.find()) {
            pieces.add(spell(matcher.group()));
        }
    }

    private static String spell(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        char[] spelled = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            spelled[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(spelled);
    }
}
