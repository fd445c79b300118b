package io.tunestream.llm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tunestream.llm.checkpoint.DType;
import java.util.Locale;

/** The CLI's JSON output: one object per command on stdout. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    /** A {@code --dtype} that checkpoints can be written in: f32 or bf16. */
    static DType writableDType(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> DType.F32;
            case "bf16", "bfloat16" -> DType.BF16;
            default -> throw new IllegalArgumentException("--dtype \"" + text + "\" is not supported (f32, bf16)");
        };
    }

    /** Token ids as given on the command line: integers separated by spaces or commas. */
    static int[] parseIds(String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("--ids is empty; give token ids such as \"1 5 9\"");
        }
        String[] parts = trimmed.split("[\\s,]+");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--ids: \"" + parts[i] + "\" (position " + (i + 1) + ") is not an integer token id");
            }
        }
        return ids;
    }
}
