package io.tunestream.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What the registry's automatic promotion policy decided about a trained version, with every figure it decided on, so
 * that a reader can check the decision without the registry: kept with the version and carried on the
 * {@code promoted}/{@code rejected} {@link ModelVersionEvent} that announces it.
 *
 * <p>Under the {@value #RULE_EVALUATION_SET} rule the candidate and its parent answered the policy's evaluation set
 * ({@link GateEvaluation}); the candidate is promoted only when it gains at least {@code margin} in exact match with
 * more items right than the parent (a tie never promotes), an exact one-sided sign test on the discordant items gives
 * {@code pValue <= alpha}, and no family's accuracy drops by more than {@code familyTolerance}. Under the
 * {@value #RULE_EVAL_METRIC} rule (the policy names no evaluation set) the training job's {@code evalMetric} must be at
 * least the parent's plus the margin and strictly above it. {@value #RULE_FIRST_VERSION}: a model with neither parent
 * nor production version promotes its first trained version.
 *
 * <p>Figures that a rule does not use are null (and left out of the JSON).
 *
 * @param rule {@value #RULE_EVALUATION_SET}, {@value #RULE_EVAL_METRIC} or {@value #RULE_FIRST_VERSION}
 * @param promote whether the candidate was promoted
 * @param failedChecks the checks that failed, in the order above (empty exactly when promoted): {@value #CHECK_STALE_PARENT},
 *     {@value #CHECK_EVALUATION_SET}, {@value #CHECK_MISSING_EVALUATION}, {@value #CHECK_METRIC}, {@value #CHECK_NO_GAIN},
 *     {@value #CHECK_MARGIN}, {@value #CHECK_SIGNIFICANCE}, {@value #CHECK_FAMILY}
 * @param evaluationSet the evaluation set the policy names (null under the eval-metric rule)
 * @param evaluated the set the training job evaluated on, with the sha256 of its file (null without an evaluation)
 * @param items questions asked
 * @param candidateCorrect questions the candidate answered exactly
 * @param parentCorrect questions the parent answered exactly
 * @param candidateAccuracy {@code candidateCorrect / items}
 * @param parentAccuracy {@code parentCorrect / items}
 * @param candidateOnly discordant items only the candidate got right
 * @param parentOnly discordant items only the parent got right
 * @param pValue the exact one-sided sign test: P(X >= candidateOnly), X ~ Binomial(candidateOnly + parentOnly, 1/2)
 * @param alpha the policy's significance level
 * @param margin the policy's margin: the least gain in accuracy (or in the eval metric) that promotes
 * @param familyTolerance the policy's largest allowed drop of one family's accuracy, as a fraction (0.02 = 2 points)
 * @param families per task family: counts, accuracies, change and whether it stayed within the tolerance
 * @param evalMetric the training job's metric (eval-metric rule)
 * @param candidateMetric the candidate's value of it
 * @param parentMetric the parent's value of it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GateDecision(
        String rule,
        boolean promote,
        List<String> failedChecks,
        EvaluationSet evaluationSet,
        EvaluationSet evaluated,
        Integer items,
        Integer candidateCorrect,
        Integer parentCorrect,
        Double candidateAccuracy,
        Double parentAccuracy,
        Integer candidateOnly,
        Integer parentOnly,
        @JsonProperty("pValue") Double pValue,
        Double alpha,
        double margin,
        Double familyTolerance,
        Map<String, FamilyFigures> families,
        String evalMetric,
        Double candidateMetric,
        Double parentMetric) {

    public static final String RULE_EVALUATION_SET = "evaluation-set";
    public static final String RULE_EVAL_METRIC = "eval-metric";
    public static final String RULE_FIRST_VERSION = "first-version";

    /** Trained from a version that no longer holds production. */
    public static final String CHECK_STALE_PARENT = "stale-parent";
    /** The evaluation was run on another set (dataset or version) than the policy's. */
    public static final String CHECK_EVALUATION_SET = "evaluation-set";
    /** The policy names an evaluation set but the trained model came without an evaluation. */
    public static final String CHECK_MISSING_EVALUATION = "missing-evaluation";
    /** The eval metric is missing or not finite (eval-metric rule). */
    public static final String CHECK_METRIC = "metric";
    /** The candidate is not strictly better than its parent: a tie or a regression. */
    public static final String CHECK_NO_GAIN = "no-gain";
    /** The gain is below the margin. */
    public static final String CHECK_MARGIN = "margin";
    /** The sign test's p-value is above alpha. */
    public static final String CHECK_SIGNIFICANCE = "significance";
    /** A family's accuracy dropped by more than the tolerance. */
    public static final String CHECK_FAMILY = "family";

    public GateDecision {
        EventValidation.requireText(rule, "GateDecision", "rule");
        failedChecks = failedChecks == null ? List.of() : List.copyOf(failedChecks);
        if (promote != failedChecks.isEmpty()) {
            throw new IllegalArgumentException(
                    "GateDecision: promote is " + promote + " but failedChecks are " + failedChecks);
        }
        if (!Double.isFinite(margin)) {
            throw new IllegalArgumentException("GateDecision.margin must be finite, got " + margin);
        }
        families = EventValidation.sortedCopy(families);
    }

    /** An evaluation set: a sealed version of a dataset of kind {@code eval}; {@code sha256} of the file evaluated, if known. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EvaluationSet(String dataset, int version, String sha256) {

        public EvaluationSet {
            EventValidation.requireText(dataset, "GateDecision.EvaluationSet", "dataset");
            EventValidation.requirePositive(version, "GateDecision.EvaluationSet", "version");
        }

        public EvaluationSet(String dataset, int version) {
            this(dataset, version, null);
        }

        /** {@code dataset/version}, as reasons name it. */
        public String label() {
            return dataset + "/" + version;
        }
    }

    /**
     * One family's questions on the evaluation set.
     *
     * @param change {@code candidateAccuracy - parentAccuracy}
     * @param withinTolerance false when the family dropped by more than the policy's tolerance
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FamilyFigures(
            int items,
            int candidateCorrect,
            int parentCorrect,
            double candidateAccuracy,
            double parentAccuracy,
            double change,
            boolean withinTolerance) {

        public FamilyFigures {
            EventValidation.requirePositive(items, "GateDecision.FamilyFigures", "items");
        }
    }
}
