package io.tunestream.llm.prompt;

import java.util.ArrayList;
import java.util.List;

/** Collects prompt segments, skipping empty text and joining neighbours of the same trainability. */
final class Segments {

    private final List<PromptSegment> segments = new ArrayList<>();

    Segments add(String text, boolean trainable) {
        if (text.isEmpty()) {
            return this;
        }
        int last = segments.size() - 1;
        if (last >= 0 && segments.get(last).trainable() == trainable) {
            segments.set(last, new PromptSegment(segments.get(last).text() + text, trainable));
        } else {
            segments.add(new PromptSegment(text, trainable));
        }
        return this;
    }

    List<PromptSegment> toList() {
        return List.copyOf(segments);
    }

    static String join(List<PromptSegment> segments) {
        StringBuilder text = new StringBuilder();
        segments.forEach(segment -> text.append(segment.text()));
        return text.toString();
    }
}
