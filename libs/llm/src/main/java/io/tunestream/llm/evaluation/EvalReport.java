package io.tunestream.llm.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.tasks.TaskFamily;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Exact-match results of an evaluation: overall, per task family (in enum order, only families that were asked),
 * and per item.
 */
public record EvalReport(FamilyScore overall, Map<TaskFamily, FamilyScore> byFamily, List<ItemResult> items) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public EvalReport {
        byFamily = Collections.unmodifiableMap(new EnumMap<>(byFamily));
        items = List.copyOf(items);
        int familyTotal =
                byFamily.values().stream().mapToInt(FamilyScore::total).sum();
        if (overall.total() != items.size() || familyTotal != items.size()) {
            throw new IllegalArgumentException("overall total " + overall.total() + " and family totals " + familyTotal
                    + " must both equal the " + items.size() + " items");
        }
    }

    /** The report of these results, in their order. */
    public static EvalReport of(List<ItemResult> items) {
        Map<TaskFamily, int[]> counts = new EnumMap<>(TaskFamily.class);
        for (ItemResult result : items) {
            int[] count = counts.computeIfAbsent(result.item().family(), family -> new int[2]);
            count[0] += result.correct() ? 1 : 0;
            count[1]++;
        }
        Map<TaskFamily, FamilyScore> byFamily = new EnumMap<>(TaskFamily.class);
        counts.forEach((family, count) -> byFamily.put(family, new FamilyScore(count[0], count[1])));
        int correct = (int) items.stream().filter(ItemResult::correct).count();
        return new EvalReport(new FamilyScore(correct, items.size()), byFamily, items);
    }

    public double accuracy() {
        return overall.accuracy();
    }

    /** The scores and every item's prediction, as indented JSON. */
    public String toJson() {
        ObjectNode json = JSON.createObjectNode();
        json.put("accuracy", overall.accuracy())
                .put("correct", overall.correct())
                .put("total", overall.total());
        ObjectNode families = json.putObject("families");
        byFamily.forEach((family, score) -> families.putObject(family.name())
                .put("accuracy", score.accuracy())
                .put("correct", score.correct())
                .put("total", score.total()));
        ArrayNode predictions = json.putArray("items");
        for (ItemResult result : items) {
            ObjectNode item = predictions
                    .addObject()
                    .put("family", result.item().family().name())
                    .put("prompt", result.item().prompt())
                    .put("answer", result.item().answer())
                    .put("predicted", result.predicted())
                    .put("correct", result.correct());
            result.completions().forEach(item.putArray("completions")::add);
        }
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write the evaluation report as JSON", e);
        }
    }

    /** One line per family and a total line, in fixed-width columns. */
    public String toTable() {
        String format = "%-24s %8s %8s %9s%n";
        StringBuilder table =
                new StringBuilder(String.format(Locale.ROOT, format, "family", "correct", "total", "accuracy"));
        byFamily.forEach((family, score) -> table.append(row(format, family.name(), score)));
        return table.append(row(format, "overall", overall)).toString();
    }

    private static String row(String format, String name, FamilyScore score) {
        return String.format(
                Locale.ROOT,
                format,
                name,
                score.correct(),
                score.total(),
                String.format(Locale.ROOT, "%.1f%%", 100 * score.accuracy()));
    }
}
