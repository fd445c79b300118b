package io.tunestream.llm.generation;

import java.util.Arrays;

/**
 * JSON mode: the output is one JSON object (RFC 8259 syntax), checked character by character over each token's
 * decoded text, so the sampler only draws tokens that keep the text a prefix of a valid object, and only ends it
 * once the object is closed.
 *
 * <p>A token is also refused when the characters needed to close what is open (a string's quote, a missing value,
 * every open bracket) outnumber the tokens left; this assumes every single JSON punctuation character, digit and
 * letter is a token of its own, as in byte-level BPE vocabularies. Tokens whose text is empty or holds an incomplete
 * UTF-8 character (decoded as U+FFFD) are never drawn, so non-ASCII text inside strings comes only from tokens that
 * hold whole characters. Leading whitespace is refused, so the object starts with the first token.
 */
public final class JsonGrammar implements TokenGrammar {

    private final String[] tokenTexts;

    /** @param tokenTexts each token id's decoded text (null for a token never to draw) */
    public JsonGrammar(String[] tokenTexts) {
        this.tokenTexts = tokenTexts.clone();
        for (int id = 0; id < this.tokenTexts.length; id++) {
            String text = this.tokenTexts[id];
            if (text != null && (text.isEmpty() || text.indexOf('\uFFFD') >= 0)) {
                this.tokenTexts[id] = null;
            }
        }
    }

    @Override
    public TokenGrammar.State start() {
        return new Prefix(tokenTexts);
    }

    /** Whether {@code text} is a prefix of a JSON object (for tests and callers that check text). */
    public static boolean isObjectPrefix(String text) {
        Prefix prefix = new Prefix(new String[0]);
        for (int i = 0; i < text.length(); i++) {
            if (!prefix.step(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private enum Mode {
        START,
        VALUE,
        ARRAY_VALUE_OR_END,
        KEY_OR_END,
        KEY,
        COLON,
        STRING,
        ESCAPE,
        UNICODE,
        NUMBER,
        LITERAL,
        AFTER_VALUE,
        DONE
    }

    private enum NumberPart {
        MINUS,
        ZERO,
        INTEGER,
        DOT,
        FRACTION,
        EXPONENT,
        EXPONENT_SIGN,
        EXPONENT_DIGITS;

        boolean complete() {
            return this == ZERO || this == INTEGER || this == FRACTION || this == EXPONENT_DIGITS;
        }
    }

    /** The automaton: mutable, copied to try a token. */
    private static final class Prefix implements TokenGrammar.State {

        private final String[] tokenTexts;
        private Mode mode = Mode.START;
        private NumberPart number;
        private String literal;
        private int literalIndex;
        private int unicodeDigits;
        private boolean key;
        private char[] stack = new char[8];
        private int depth;

        Prefix(String[] tokenTexts) {
            this.tokenTexts = tokenTexts;
        }

        private Prefix copy() {
            Prefix copy = new Prefix(tokenTexts);
            copy.mode = mode;
            copy.number = number;
            copy.literal = literal;
            copy.literalIndex = literalIndex;
            copy.unicodeDigits = unicodeDigits;
            copy.key = key;
            copy.stack = Arrays.copyOf(stack, stack.length);
            copy.depth = depth;
            return copy;
        }

        @Override
        public boolean allows(int tokenId, int tokensLeftAfter) {
            if (mode == Mode.DONE || tokenId < 0 || tokenId >= tokenTexts.length || tokenTexts[tokenId] == null) {
                return false;
            }
            String text = tokenTexts[tokenId];
            Prefix trial = copy();
            for (int i = 0; i < text.length(); i++) {
                if (!trial.step(text.charAt(i))) {
                    return false;
                }
            }
            return trial.charactersToClose() <= tokensLeftAfter;
        }

        @Override
        public void accept(int tokenId) {
            String text = tokenId >= 0 && tokenId < tokenTexts.length ? tokenTexts[tokenId] : null;
            if (text == null) {
                throw new IllegalStateException("token " + tokenId + " is not allowed by the JSON grammar");
            }
            for (int i = 0; i < text.length(); i++) {
                if (!step(text.charAt(i))) {
                    throw new IllegalStateException("token " + tokenId + " breaks the JSON grammar");
                }
            }
        }

        @Override
        public boolean complete() {
            return mode == Mode.DONE;
        }

        /** The fewest characters that close what is open: a value, a string, every open bracket. */
        int charactersToClose() {
            int current = switch (mode) {
                case START -> 2; // {}
                case VALUE -> 1; // 0
                case KEY -> 4; // "":0
                case COLON -> 2; // :0
                case STRING -> 1 + (key ? 2 : 0);
                case ESCAPE -> 2 + (key ? 2 : 0);
                case UNICODE -> 4 - unicodeDigits + 1 + (key ? 2 : 0);
                case NUMBER -> number.complete() ? 0 : 1;
                case LITERAL -> literal.length() - literalIndex;
                case ARRAY_VALUE_OR_END, KEY_OR_END, AFTER_VALUE, DONE -> 0;
            };
            return current + depth;
        }

        boolean step(char c) {
            switch (mode) {
                case START:
                    if (c != '{') {
                        return false;
                    }
                    push(c);
                    mode = Mode.KEY_OR_END;
                    return true;
                case VALUE:
                    return isWhitespace(c) || startValue(c);
                case ARRAY_VALUE_OR_END:
                    if (c == ']') {
                        return close(c);
                    }
                    return isWhitespace(c) || startValue(c);
                case KEY_OR_END:
                    if (c == '}') {
                        return close(c);
                    }
                    return isWhitespace(c) || startKey(c);
                case KEY:
                    return isWhitespace(c) || startKey(c);
                case COLON:
                    if (c == ':') {
                        mode = Mode.VALUE;
                        return true;
                    }
                    return isWhitespace(c);
                case STRING:
                    if (c == '"') {
                        if (key) {
                            mode = Mode.COLON;
                        } else {
                            endValue();
                        }
                        return true;
                    }
                    if (c == '\\') {
                        mode = Mode.ESCAPE;
                        return true;
                    }
                    return c >= 0x20;
                case ESCAPE:
                    if (c == 'u') {
                        mode = Mode.UNICODE;
                        unicodeDigits = 0;
                        return true;
                    }
                    if ("\"\\/bfnrt".indexOf(c) >= 0) {
                        mode = Mode.STRING;
                        return true;
                    }
                    return false;
                case UNICODE:
                    if (Character.digit(c, 16) < 0) {
                        return false;
                    }
                    if (++unicodeDigits == 4) {
                        mode = Mode.STRING;
                    }
                    return true;
                case NUMBER:
                    return stepNumber(c);
                case LITERAL:
                    if (c != literal.charAt(literalIndex)) {
                        return false;
                    }
                    if (++literalIndex == literal.length()) {
                        endValue();
                    }
                    return true;
                case AFTER_VALUE:
                    return afterValue(c);
                case DONE:
                default:
                    return false;
            }
        }

        private boolean startValue(char c) {
            switch (c) {
                case '{':
                    push(c);
                    mode = Mode.KEY_OR_END;
                    return true;
                case '[':
                    push(c);
                    mode = Mode.ARRAY_VALUE_OR_END;
                    return true;
                case '"':
                    key = false;
                    mode = Mode.STRING;
                    return true;
                case '-':
                    mode = Mode.NUMBER;
                    number = NumberPart.MINUS;
                    return true;
                case 't':
                case 'f':
                case 'n':
                    literal = c == 't' ? "true" : c == 'f' ? "false" : "null";
                    literalIndex = 1;
                    mode = Mode.LITERAL;
                    return true;
                default:
                    if (c >= '0' && c <= '9') {
                        mode = Mode.NUMBER;
                        number = c == '0' ? NumberPart.ZERO : NumberPart.INTEGER;
                        return true;
                    }
                    return false;
            }
        }

        private boolean startKey(char c) {
            if (c != '"') {
                return false;
            }
            key = true;
            mode = Mode.STRING;
            return true;
        }

        private boolean stepNumber(char c) {
            boolean digit = c >= '0' && c <= '9';
            switch (number) {
                case MINUS:
                    if (digit) {
                        number = c == '0' ? NumberPart.ZERO : NumberPart.INTEGER;
                        return true;
                    }
                    return false;
                case ZERO:
                case INTEGER:
                    if (digit && number == NumberPart.INTEGER) {
                        return true;
                    }
                    if (c == '.') {
                        number = NumberPart.DOT;
                        return true;
                    }
                    if (c == 'e' || c == 'E') {
                        number = NumberPart.EXPONENT;
                        return true;
                    }
                    break;
                case DOT:
                    if (digit) {
                        number = NumberPart.FRACTION;
                        return true;
                    }
                    return false;
                case FRACTION:
                    if (digit) {
                        return true;
                    }
                    if (c == 'e' || c == 'E') {
                        number = NumberPart.EXPONENT;
                        return true;
                    }
                    break;
                case EXPONENT:
                    if (c == '+' || c == '-') {
                        number = NumberPart.EXPONENT_SIGN;
                        return true;
                    }
                    if (digit) {
                        number = NumberPart.EXPONENT_DIGITS;
                        return true;
                    }
                    return false;
                case EXPONENT_SIGN:
                    if (digit) {
                        number = NumberPart.EXPONENT_DIGITS;
                        return true;
                    }
                    return false;
                case EXPONENT_DIGITS:
                    if (digit) {
                        return true;
                    }
                    break;
                default:
                    return false;
            }
            if (!number.complete()) {
                return false;
            }
            endValue();
            return afterValue(c);
        }

        private boolean afterValue(char c) {
            if (isWhitespace(c)) {
                return true;
            }
            if (depth == 0) {
                return false;
            }
            char open = stack[depth - 1];
            if (c == ',') {
                mode = open == '{' ? Mode.KEY : Mode.VALUE;
                return true;
            }
            return close(c);
        }

        private boolean close(char c) {
            if (depth == 0 || (c == '}' ? '{' : c == ']' ? '[' : 0) != stack[depth - 1]) {
                return false;
            }
            depth--;
            endValue();
            return true;
        }

        private void endValue() {
            mode = depth == 0 ? Mode.DONE : Mode.AFTER_VALUE;
        }

        private void push(char c) {
            if (depth == stack.length) {
                stack = Arrays.copyOf(stack, depth * 2);
            }
            stack[depth++] = c;
        }

        private static boolean isWhitespace(char c) {
            return c == ' ' || c == '\n' || c == '\t' || c == '\r';
        }
    }
}
