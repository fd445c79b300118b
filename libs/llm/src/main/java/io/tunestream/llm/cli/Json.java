package io.tunestream.llm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The CLI's JSON output: one object per command on stdout. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
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
                throw new IllegalArgumentException("--ids: \"" + parts[i] + "\" (position " + (i + 1)
                        + ") is not an integer token id");
            }
        }
        return ids;
    }
}
