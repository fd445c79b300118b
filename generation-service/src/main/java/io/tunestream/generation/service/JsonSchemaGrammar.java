package io.tunestream.generation.service;

import io.tunestream.llm.generation.TokenGrammar;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code response_format: json_schema}: the output is one compact JSON value of a {@link JsonSchemaSubset} schema,
 * checked character by character over each token's decoded text, as {@link io.tunestream.llm.generation.JsonGrammar}
 * does for JSON mode. The schema fixes the shape, so the automaton is a stack of frames, one per value being written:
 * an object writes every property of its schema in the schema's order (required or not, which any such schema
 * accepts), an array its items between {@code minItems} and {@code maxItems}, a string any JSON string, a number or
 * integer JSON's number syntax, an enum, boolean or null one of its literals. No whitespace is allowed outside
 * strings, so a model cannot spend its tokens on indentation.
 *
 * <p>As in JSON mode a token is refused when the characters needed to finish the value (the closing parts and the
 * shortest value of every property still to come) outnumber the tokens left, which assumes single-character tokens
 * for JSON punctuation, digits and letters; tokens whose text is empty or holds an incomplete UTF-8 character are
 * never drawn.
 */
public final class JsonSchemaGrammar implements TokenGrammar {

    private final JsonSchemaSubset.Node root;
    private final String[] tokenTexts;

    /** @param tokenTexts each token id's decoded text (null for a token never to draw) */
    public JsonSchemaGrammar(JsonSchemaSubset schema, String[] tokenTexts) {
        this.root = schema.root();
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
        return new Writer(tokenTexts, root);
    }

    /** Whether {@code text} is a prefix of a value of the schema (for tests). */
    public static boolean isPrefix(JsonSchemaSubset schema, String text) {
        Writer writer = new Writer(new String[0], schema.root());
        for (int i = 0; i < text.length(); i++) {
            if (!writer.step(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code text} is a whole value of the schema (for tests). */
    public static boolean isComplete(JsonSchemaSubset schema, String text) {
        Writer writer = new Writer(new String[0], schema.root());
        for (int i = 0; i < text.length(); i++) {
            if (!writer.step(text.charAt(i))) {
                return false;
            }
        }
        return writer.complete();
    }

    /** What a frame makes of the next character. */
    private enum Step {
        ACCEPT,
        REJECT,
        /** The frame's value is complete and the character belongs to what follows it. */
        POP_AND_PASS_ON
    }

    /** The automaton: a stack of frames, copied to try a token. */
    private static final class Writer implements TokenGrammar.State {

        private final String[] tokenTexts;
        private final List<Frame> stack;

        Writer(String[] tokenTexts, JsonSchemaSubset.Node root) {
            this.tokenTexts = tokenTexts;
            this.stack = new ArrayList<>();
            stack.add(Frame.of(root));
        }

        private Writer(Writer other) {
            this.tokenTexts = other.tokenTexts;
            this.stack = new ArrayList<>(other.stack.size() + 2);
            for (Frame frame : other.stack) {
                stack.add(frame.copy());
            }
        }

        @Override
        public boolean allows(int tokenId, int tokensLeftAfter) {
            if (stack.isEmpty() || tokenId < 0 || tokenId >= tokenTexts.length || tokenTexts[tokenId] == null) {
                return false;
            }
            String text = tokenTexts[tokenId];
            Writer trial = new Writer(this);
            for (int i = 0; i < text.length(); i++) {
                if (!trial.step(text.charAt(i))) {
                    return false;
                }
            }
            return trial.charactersToFinish() <= tokensLeftAfter;
        }

        @Override
        public void accept(int tokenId) {
            String text = tokenId >= 0 && tokenId < tokenTexts.length ? tokenTexts[tokenId] : null;
            if (text == null) {
                throw new IllegalStateException("token " + tokenId + " is not allowed by the JSON schema grammar");
            }
            for (int i = 0; i < text.length(); i++) {
                if (!step(text.charAt(i))) {
                    throw new IllegalStateException("token " + tokenId + " breaks the JSON schema grammar");
                }
            }
        }

        /** The root is an object, which ends with its own closing brace: then nothing is left on the stack. */
        @Override
        public boolean complete() {
            return stack.isEmpty();
        }

        int charactersToFinish() {
            int total = 0;
            for (Frame frame : stack) {
                total += frame.remaining();
            }
            return total;
        }

        boolean step(char c) {
            while (!stack.isEmpty()) {
                Frame top = stack.get(stack.size() - 1);
                Step step = top.step(c, this);
                switch (step) {
                    case ACCEPT:
                        return true;
                    case REJECT:
                        return false;
                    case POP_AND_PASS_ON:
                    default:
                        stack.remove(stack.size() - 1);
                }
            }
            return false;
        }

        void pop(Frame frame) {
            if (stack.get(stack.size() - 1) != frame) {
                throw new IllegalStateException("only the top frame ends");
            }
            stack.remove(stack.size() - 1);
        }

        /** Starts a child value with its first character; false (and nothing pushed) when it cannot start with it. */
        boolean startChild(JsonSchemaSubset.Node node, char c) {
            Frame child = Frame.of(node);
            stack.add(child);
            if (child.step(c, this) == Step.ACCEPT) {
                return true;
            }
            stack.remove(child);
            return false;
        }
    }

    private abstract static class Frame {

        static Frame of(JsonSchemaSubset.Node node) {
            if (node instanceof JsonSchemaSubset.ObjectNode object) {
                return new ObjectFrame(object);
            }
            if (node instanceof JsonSchemaSubset.ArrayNode array) {
                return new ArrayFrame(array);
            }
            if (node instanceof JsonSchemaSubset.StringNode) {
                return new StringFrame();
            }
            if (node instanceof JsonSchemaSubset.NumberNode number) {
                return new NumberFrame(number.integer());
            }
            if (node instanceof JsonSchemaSubset.LiteralsNode literals) {
                return new LiteralsFrame(literals.literals());
            }
            throw new IllegalArgumentException("no frame for " + node);
        }

        abstract Step step(char c, Writer writer);

        /** The fewest characters that finish this value, not counting a child value on the stack above it. */
        abstract int remaining();

        abstract Frame copy();
    }

    /** Writes {@code {"p1":v1,"p2":v2}}: the punctuation and keys are fixed, the values are child frames. */
    private static final class ObjectFrame extends Frame {

        private final JsonSchemaSubset.ObjectNode node;
        /** The property whose key (or, with {@code inValue}, whose value) is being written; size() for the close. */
        private int property;

        private boolean inValue;
        /** The fixed text before the current property's value (or the closing brace), and how much is written. */
        private String literal;

        private int written;

        ObjectFrame(JsonSchemaSubset.ObjectNode node) {
            this.node = node;
            this.property = 0;
            this.literal = node.keys().isEmpty() ? "{}" : "{" + node.keys().get(0) + ":";
        }

        private ObjectFrame(ObjectFrame other) {
            this.node = other.node;
            this.property = other.property;
            this.inValue = other.inValue;
            this.literal = other.literal;
            this.written = other.written;
        }

        @Override
        Step step(char c, Writer writer) {
            if (inValue) {
                // The value's frame has ended: what follows is the next property's key or the closing brace.
                inValue = false;
                property++;
                literal = property < node.keys().size() ? "," + node.keys().get(property) + ":" : "}";
                written = 0;
            }
            if (written == literal.length()) {
                // The key is written: the character starts the value.
                if (!writer.startChild(node.values().get(property), c)) {
                    return Step.REJECT;
                }
                inValue = true;
                return Step.ACCEPT;
            }
            if (literal.charAt(written) != c) {
                return Step.REJECT;
            }
            written++;
            if (written == literal.length() && literal.endsWith("}")) {
                writer.pop(this);
            }
            return Step.ACCEPT;
        }

        @Override
        int remaining() {
            if (inValue) {
                return node.tailLength(property + 1);
            }
            int left = literal.length() - written;
            if (literal.endsWith("}")) {
                return left;
            }
            return left + node.values().get(property).minLength() + node.tailLength(property + 1);
        }

        @Override
        Frame copy() {
            return new ObjectFrame(this);
        }
    }

    /** Writes {@code [v1,v2]} with between {@code minItems} and {@code maxItems} items. */
    private static final class ArrayFrame extends Frame {

        private enum Phase {
            START,
            OPEN,
            ITEM,
            COMMA
        }

        private final JsonSchemaSubset.ArrayNode node;
        private Phase phase = Phase.START;
        private int items;

        ArrayFrame(JsonSchemaSubset.ArrayNode node) {
            this.node = node;
        }

        private ArrayFrame(ArrayFrame other) {
            this.node = other.node;
            this.phase = other.phase;
            this.items = other.items;
        }

        @Override
        Step step(char c, Writer writer) {
            switch (phase) {
                case START:
                    if (c != '[') {
                        return Step.REJECT;
                    }
                    phase = Phase.OPEN;
                    return Step.ACCEPT;
                case OPEN:
                case COMMA:
                    if (phase == Phase.OPEN && c == ']' && items >= node.minItems()) {
                        writer.pop(this);
                        return Step.ACCEPT;
                    }
                    if (!writer.startChild(node.items(), c)) {
                        return Step.REJECT;
                    }
                    items++;
                    phase = Phase.ITEM;
                    return Step.ACCEPT;
                case ITEM:
                default:
                    if (c == ',' && items < node.maxItems()) {
                        phase = Phase.COMMA;
                        return Step.ACCEPT;
                    }
                    if (c == ']' && items >= node.minItems()) {
                        writer.pop(this);
                        return Step.ACCEPT;
                    }
                    return Step.REJECT;
            }
        }

        @Override
        int remaining() {
            int itemLength = node.items().minLength();
            int missing = Math.max(0, node.minItems() - items);
            return switch (phase) {
                case START -> node.minLength();
                case OPEN -> missing == 0 ? 1 : missing * itemLength + (missing - 1) + 1;
                case ITEM -> missing * (1 + itemLength) + 1;
                case COMMA -> {
                    int still = Math.max(1, missing);
                    yield still * itemLength + (still - 1) + 1;
                }
            };
        }

        @Override
        Frame copy() {
            return new ArrayFrame(this);
        }
    }

    /** Any JSON string, escapes included; ends itself at the closing quote. */
    private static final class StringFrame extends Frame {

        private enum Phase {
            START,
            CHARACTERS,
            ESCAPE,
            UNICODE
        }

        private Phase phase = Phase.START;
        private int unicodeDigits;

        StringFrame() {}

        private StringFrame(StringFrame other) {
            this.phase = other.phase;
            this.unicodeDigits = other.unicodeDigits;
        }

        @Override
        Step step(char c, Writer writer) {
            switch (phase) {
                case START:
                    if (c != '"') {
                        return Step.REJECT;
                    }
                    phase = Phase.CHARACTERS;
                    return Step.ACCEPT;
                case CHARACTERS:
                    if (c == '"') {
                        writer.pop(this);
                        return Step.ACCEPT;
                    }
                    if (c == '\\') {
                        phase = Phase.ESCAPE;
                        return Step.ACCEPT;
                    }
                    return c >= 0x20 ? Step.ACCEPT : Step.REJECT;
                case ESCAPE:
                    if (c == 'u') {
                        phase = Phase.UNICODE;
                        unicodeDigits = 0;
                        return Step.ACCEPT;
                    }
                    if ("\"\\/bfnrt".indexOf(c) >= 0) {
                        phase = Phase.CHARACTERS;
                        return Step.ACCEPT;
                    }
                    return Step.REJECT;
                case UNICODE:
                default:
                    if (Character.digit(c, 16) < 0) {
                        return Step.REJECT;
                    }
                    if (++unicodeDigits == 4) {
                        phase = Phase.CHARACTERS;
                    }
                    return Step.ACCEPT;
            }
        }

        @Override
        int remaining() {
            return switch (phase) {
                case START -> 2;
                case CHARACTERS -> 1;
                case ESCAPE -> 2;
                case UNICODE -> 4 - unicodeDigits + 1;
            };
        }

        @Override
        Frame copy() {
            return new StringFrame(this);
        }
    }

    /**
     * JSON's number syntax ({@code integer}: without fraction or exponent). A number has no end mark: it ends at the
     * first character that cannot continue it, which then belongs to what follows.
     */
    private static final class NumberFrame extends Frame {

        private enum Part {
            START,
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

        private final boolean integer;
        private Part part = Part.START;

        NumberFrame(boolean integer) {
            this.integer = integer;
        }

        private NumberFrame(NumberFrame other) {
            this.integer = other.integer;
            this.part = other.part;
        }

        @Override
        Step step(char c, Writer writer) {
            Part next = next(c);
            if (next != null) {
                part = next;
                return Step.ACCEPT;
            }
            return part.complete() ? Step.POP_AND_PASS_ON : Step.REJECT;
        }

        private Part next(char c) {
            boolean digit = c >= '0' && c <= '9';
            boolean exponent = !integer && (c == 'e' || c == 'E');
            return switch (part) {
                case START -> c == '-' ? Part.MINUS : digit ? (c == '0' ? Part.ZERO : Part.INTEGER) : null;
                case MINUS -> digit ? (c == '0' ? Part.ZERO : Part.INTEGER) : null;
                case ZERO, INTEGER -> {
                    if (digit && part == Part.INTEGER) {
                        yield Part.INTEGER;
                    }
                    if (!integer && c == '.') {
                        yield Part.DOT;
                    }
                    yield exponent ? Part.EXPONENT : null;
                }
                case DOT -> digit ? Part.FRACTION : null;
                case FRACTION -> digit ? Part.FRACTION : exponent ? Part.EXPONENT : null;
                case EXPONENT -> c == '+' || c == '-' ? Part.EXPONENT_SIGN : digit ? Part.EXPONENT_DIGITS : null;
                case EXPONENT_SIGN, EXPONENT_DIGITS -> digit ? Part.EXPONENT_DIGITS : null;
            };
        }

        @Override
        int remaining() {
            return part.complete() ? 0 : 1;
        }

        @Override
        Frame copy() {
            return new NumberFrame(this);
        }
    }

    /**
     * One of a fixed set of JSON texts (an enum's values, {@code true}/{@code false}, {@code null}). Like a number it
     * ends at the first character that continues none of them, since one literal may be a prefix of another
     * ({@code 1} and {@code 12}).
     */
    private static final class LiteralsFrame extends Frame {

        private final List<String> literals;
        private boolean[] candidates;
        private int written;

        LiteralsFrame(List<String> literals) {
            this.literals = literals;
            this.candidates = new boolean[literals.size()];
            Arrays.fill(candidates, true);
        }

        private LiteralsFrame(LiteralsFrame other) {
            this.literals = other.literals;
            this.candidates = other.candidates.clone();
            this.written = other.written;
        }

        @Override
        Step step(char c, Writer writer) {
            boolean[] next = new boolean[candidates.length];
            boolean any = false;
            boolean complete = false;
            for (int i = 0; i < candidates.length; i++) {
                if (!candidates[i]) {
                    continue;
                }
                String literal = literals.get(i);
                if (literal.length() == written) {
                    complete = true;
                } else if (literal.charAt(written) == c) {
                    next[i] = true;
                    any = true;
                }
            }
            if (any) {
                candidates = next;
                written++;
                return Step.ACCEPT;
            }
            return complete ? Step.POP_AND_PASS_ON : Step.REJECT;
        }

        @Override
        int remaining() {
            int fewest = Integer.MAX_VALUE;
            for (int i = 0; i < candidates.length; i++) {
                if (candidates[i]) {
                    fewest = Math.min(fewest, literals.get(i).length() - written);
                }
            }
            return fewest;
        }

        @Override
        Frame copy() {
            return new LiteralsFrame(this);
        }
    }
}
