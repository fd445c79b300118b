package io.tunestream.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * A candidate and its parent on the same evaluation set, answered greedily with the same settings, summarised item by
 * item: what the registry's promotion gate needs for the margin, a paired significance test (exact McNemar on the
 * discordant items) and the per-family tolerance. The evaluation set is a sealed dataset version of verifiable
 * questions that never enters training.
 *
 * @param dataset the evaluation set's dataset
 * @param version its sealed version
 * @param sha256 sha256 of the file the questions were read from (the version's {@code eval.jsonl})
 * @param items questions asked
 * @param candidateCorrect questions the candidate answered exactly
 * @param parentCorrect questions the parent answered exactly
 * @param candidateOnly discordant items the candidate got right and the parent wrong
 * @param parentOnly discordant items the parent got right and the candidate wrong
 * @param families the same counts per task family (the records' {@code family} field; {@code default} without one)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GateEvaluation(
        String dataset,
        int version,
        String sha256,
        int items,
        int candidateCorrect,
        int parentCorrect,
        int candidateOnly,
        int parentOnly,
        Map<String, FamilyResult> families) {

    /** The family name of records that have none. */
    public static final String DEFAULT_FAMILY = "default";

    public GateEvaluation {
        EventValidation.requireText(dataset, "GateEvaluation", "dataset");
        EventValidation.requirePositive(version, "GateEvaluation", "version");
        EventValidation.requireSha256(sha256, "GateEvaluation", "sha256");
        EventValidation.requirePositive(items, "GateEvaluation", "items");
        requireCounts(items, candidateCorrect, parentCorrect, "GateEvaluation");
        if (candidateOnly < 0
                || parentOnly < 0
                || candidateOnly > candidateCorrect
                || parentOnly > parentCorrect
                || candidateCorrect - parentCorrect != candidateOnly - parentOnly) {
            throw new IllegalArgumentException("GateEvaluation: discordant counts " + candidateOnly + "/" + parentOnly
                    + " do not fit correct counts " + candidateCorrect + "/" + parentCorrect);
        }
        families = EventValidation.sortedCopy(families);
        if (!families.isEmpty()) {
            int sum = families.values().stream().mapToInt(FamilyResult::items).sum();
            if (sum != items) {
                throw new IllegalArgumentException("GateEvaluation.families count " + sum + " items, not " + items);
            }
        }
    }

    /** The candidate's share answered exactly. */
    public double candidateAccuracy() {
        return (double) candidateCorrect / items;
    }

    /** The parent's share answered exactly. */
    public double parentAccuracy() {
        return (double) parentCorrect / items;
    }

    private static void requireCounts(int items, int candidate, int parent, String where) {
        if (candidate < 0 || parent < 0 || candidate > items || parent > items) {
            throw new IllegalArgumentException(
                    where + ": correct counts " + candidate + " and " + parent + " must be in [0, " + items + "]");
        }
    }

    /** One family's questions and how many of them each model answered exactly. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FamilyResult(int items, int candidateCorrect, int parentCorrect) {

        public FamilyResult {
            EventValidation.requirePositive(items, "GateEvaluation.FamilyResult", "items");
            requireCounts(items, candidateCorrect, parentCorrect, "GateEvaluation.FamilyResult");
        }

        public double candidateAccuracy() {
            return (double) candidateCorrect / items;
        }

        public double parentAccuracy() {
            return (double) parentCorrect / items;
        }
    }
}
