package io.tunestream.registry.messaging;

import static io.tunestream.registry.KafkaTestClient.awaitModelVersionEvents;
import static io.tunestream.registry.KafkaTestClient.has;
import static io.tunestream.registry.RegistryApi.get;
import static io.tunestream.registry.RegistryApi.importBaseModel;
import static io.tunestream.registry.RegistryApi.setEvaluationPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.events.GateDecision;
import io.tunestream.events.GateDecision.EvaluationSet;
import io.tunestream.events.GateEvaluation;
import io.tunestream.events.GateEvaluation.FamilyResult;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.registry.KafkaTestClient;
import io.tunestream.registry.ModelFixture;
import io.tunestream.registry.PromotionDecision;
import io.tunestream.registry.RegistryBusTest;
import io.tunestream.registry.repository.ModelRepository;
import io.tunestream.registry.repository.ModelVersionRepository;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The evaluation gate end to end over the real broker, object store and database: a base model imported over REST
 * (version 1 in production), its policy naming an evaluation set, and trained models arriving on
 * {@code tunestream.trained-models} with the evaluation-set result. The job's own eval metric always says the candidate
 * is far better (0.9 vs 0.1), so only the gate can keep a tie or a family regression out of production.
 */
@QuarkusTest
class EvaluationGateConsumerTest extends RegistryBusTest {

    private static final String SET = "tasks-eval";
    private static final String SHA = "8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c";

    @Inject
    ModelRepository models;

    @Inject
    ModelVersionRepository versions;

    @Test
    void shouldRejectACandidateEqualToItsParentItemForItemAndKeepProduction() {
        String model = modelWithEvaluationSet();
        GateEvaluation tie = new GateEvaluation(
                SET,
                1,
                SHA,
                60,
                30,
                30,
                0,
                0,
                Map.of("ADDITION", new FamilyResult(30, 15, 15), "SORT_DIGITS", new FamilyResult(30, 15, 15)));

        kafka.publish(ModelFixture.trainedJobWithEvaluation(store, model, 1, 2, 0.9, 0.1, tie));
        ModelVersionEvent rejected = awaitRejected(model);

        String reason = "evaluation tasks-eval/1 (60 items): exact match 0.5 vs parent 0.5 (+0 >= margin 0), 0 vs 0"
                + " discordant, one-sided sign test p=1 > alpha 0.05, no family dropped by more than 0.02: a tie never"
                + " promotes (30 right each); not significant";
        assertThat(rejected.reason()).isEqualTo(reason);
        GateDecision gate = rejected.gate();
        assertThat(gate.rule()).isEqualTo(GateDecision.RULE_EVALUATION_SET);
        assertThat(gate.promote()).isFalse();
        assertThat(gate.failedChecks()).containsExactly(GateDecision.CHECK_NO_GAIN, GateDecision.CHECK_SIGNIFICANCE);
        assertThat(gate.evaluated()).isEqualTo(new EvaluationSet(SET, 1, SHA));
        assertThat(gate.items()).isEqualTo(60);
        assertThat(gate.candidateCorrect()).isEqualTo(30);
        assertThat(gate.parentCorrect()).isEqualTo(30);
        assertThat(gate.pValue()).isEqualTo(1.0);
        assertThat(gate.families()).containsOnlyKeys("ADDITION", "SORT_DIGITS");
        assertStoredAndServed(model, gate, reason);
        get("/models/{model}/versions/2", model)
                .statusCode(200)
                .body("gate.failedChecks", contains("no-gain", "significance"))
                .body("gate.candidateOnly", equalTo(0))
                .body("gate.parentOnly", equalTo(0))
                .body("gate.pValue", equalTo(1.0f));
        assertProductionStayed(model);
    }

    @Test
    void shouldRejectAGainOverallThatDropsAFamilyBeyondTheToleranceAndKeepProduction() {
        String model = modelWithEvaluationSet();
        GateEvaluation familyDrop = new GateEvaluation(
                SET,
                1,
                SHA,
                100,
                80,
                70,
                15,
                5,
                Map.of("ADDITION", new FamilyResult(50, 45, 30), "SORT_DIGITS", new FamilyResult(50, 35, 40)));

        kafka.publish(ModelFixture.trainedJobWithEvaluation(store, model, 1, 2, 0.9, 0.1, familyDrop));
        ModelVersionEvent rejected = awaitRejected(model);

        String reason = "evaluation tasks-eval/1 (100 items): exact match 0.8 vs parent 0.7 (+0.1 >= margin 0), 15 vs 5"
                + " discordant, one-sided sign test p=0.0207 <= alpha 0.05, family SORT_DIGITS 0.7 vs parent 0.8 (-0.1,"
                + " beyond the tolerance 0.02): a family dropped beyond the tolerance";
        assertThat(rejected.reason()).isEqualTo(reason);
        GateDecision gate = rejected.gate();
        assertThat(gate.failedChecks()).containsExactly(GateDecision.CHECK_FAMILY);
        assertThat(gate.pValue()).isEqualTo(5425.0 / 262144);
        assertThat(gate.candidateOnly()).isEqualTo(15);
        assertThat(gate.parentOnly()).isEqualTo(5);
        assertThat(gate.families().get("SORT_DIGITS").withinTolerance()).isFalse();
        assertThat(gate.families().get("SORT_DIGITS").candidateCorrect()).isEqualTo(35);
        assertThat(gate.families().get("SORT_DIGITS").parentCorrect()).isEqualTo(40);
        assertThat(gate.families().get("ADDITION").withinTolerance()).isTrue();
        assertStoredAndServed(model, gate, reason);
        get("/models/{model}/versions/2", model)
                .statusCode(200)
                .body("gate.families.SORT_DIGITS.withinTolerance", equalTo(false))
                .body("gate.families.SORT_DIGITS.parentAccuracy", equalTo(0.8f))
                .body("gate.familyTolerance", equalTo(0.02f));
        assertProductionStayed(model);
    }

    @Test
    void shouldStoreAndAnnounceAReasonThatNamesManyDroppedFamilies() {
        String model = modelWithEvaluationSet();
        Map<String, FamilyResult> families = new TreeMap<>();
        for (int i = 1; i <= 12; i++) {
            families.put(
                    String.format("family-with-a-rather-long-descriptive-name-%02d", i), new FamilyResult(10, 5, 7));
        }
        GateEvaluation regression = new GateEvaluation(SET, 1, SHA, 120, 60, 84, 0, 24, families);

        kafka.publish(ModelFixture.trainedJobWithEvaluation(store, model, 1, 2, 0.9, 0.1, regression));
        ModelVersionEvent rejected = awaitRejected(model);

        assertThat(rejected.reason())
                .hasSizeGreaterThan(1000)
                .contains("family family-with-a-rather-long-descriptive-name-12 0.5 vs parent 0.7 (-0.2, beyond the"
                        + " tolerance 0.02)")
                .endsWith(
                        ": below the parent (60 vs 84 right); not significant; a family dropped beyond the tolerance");
        assertThat(rejected.gate().failedChecks())
                .containsExactly(
                        GateDecision.CHECK_NO_GAIN, GateDecision.CHECK_SIGNIFICANCE, GateDecision.CHECK_FAMILY);
        assertStoredAndServed(model, rejected.gate(), rejected.reason());
        assertProductionStayed(model);
    }

    @Test
    void shouldPromoteASignificantGainWithNoFamilyDropping() {
        String model = modelWithEvaluationSet();
        GateEvaluation gain = new GateEvaluation(
                SET,
                1,
                SHA,
                80,
                58,
                48,
                10,
                0,
                Map.of("ADDITION", new FamilyResult(40, 30, 24), "SORT_DIGITS", new FamilyResult(40, 28, 24)));

        kafka.publish(ModelFixture.trainedJobWithEvaluation(store, model, 1, 2, 0.9, 0.1, gain));
        List<ModelVersionEvent> events =
                awaitModelVersionEvents(modelVersions, model, list -> has(list, ModelVersionAction.PROMOTED, 2));

        ModelVersionEvent promoted = events.stream()
                .filter(event -> event.action() == ModelVersionAction.PROMOTED && event.version() == 2)
                .findFirst()
                .orElseThrow();
        String reason =
                "evaluation tasks-eval/1 (80 items): exact match 0.725 vs parent 0.6 (+0.125 >= margin 0), 10 vs"
                        + " 0 discordant, one-sided sign test p=0.000977 <= alpha 0.05, no family dropped by more than 0.02: a"
                        + " significant gain, promoted";
        assertThat(promoted.reason()).isEqualTo(reason);
        assertThat(promoted.alias()).isEqualTo(ModelVersionEvent.PRODUCTION);
        assertThat(promoted.previousVersion()).isEqualTo(1);
        assertThat(promoted.gate().promote()).isTrue();
        assertThat(promoted.gate().failedChecks()).isEmpty();
        assertThat(promoted.gate().pValue()).isEqualTo(1.0 / 1024);
        assertThat(has(events, ModelVersionAction.REJECTED, 2)).isFalse();
        QuarkusTransaction.requiringNew().run(() -> {
            var version = versions.findVersion(models.findByName(model).orElseThrow(), 2)
                    .orElseThrow();
            assertThat(version.decision).isEqualTo(PromotionDecision.PROMOTED);
            assertThat(version.gate).isEqualTo(promoted.gate());
        });
        get("/models/{model}/versions/2", model)
                .statusCode(200)
                .body("decision", equalTo("promoted"))
                .body("gate.promote", equalTo(true))
                .body("gate.candidateAccuracy", equalTo(0.725f));
        get("/models/{model}/aliases/production", model).statusCode(200).body("version", equalTo(2));
    }

    @Test
    void shouldRejectACandidateWithoutTheEvaluationThePolicyNames() {
        String model = modelWithEvaluationSet();

        kafka.publish(ModelFixture.trainedJob(store, model, 1, 2, 0.9, 0.1));
        ModelVersionEvent rejected = awaitRejected(model);

        assertThat(rejected.reason())
                .isEqualTo("the policy names evaluation set tasks-eval/1, but the trained model came"
                        + " without an evaluation on it: not compared with its parent");
        assertThat(rejected.gate().failedChecks()).containsExactly(GateDecision.CHECK_MISSING_EVALUATION);
        assertProductionStayed(model);
    }

    /** A base model imported over REST (version 1 in production) whose policy names {@code tasks-eval/1}. */
    private static String modelWithEvaluationSet() {
        String model = importBaseModel();
        setEvaluationPolicy(model, SET, 1);
        return model;
    }

    private ModelVersionEvent awaitRejected(String model) {
        return awaitModelVersionEvents(modelVersions, model, list -> has(list, ModelVersionAction.REJECTED, 2)).stream()
                .filter(event -> event.action() == ModelVersionAction.REJECTED)
                .findFirst()
                .orElseThrow();
    }

    /** The decision, its reason and its figures are stored with the version and served in its REST view. */
    private void assertStoredAndServed(String model, GateDecision gate, String reason) {
        QuarkusTransaction.requiringNew().run(() -> {
            var version = versions.findVersion(models.findByName(model).orElseThrow(), 2)
                    .orElseThrow();
            assertThat(version.decision).isEqualTo(PromotionDecision.REJECTED);
            assertThat(version.decisionReason).isEqualTo(reason);
            assertThat(version.gate).isEqualTo(gate);
        });
        get("/models/{model}/versions/2", model)
                .statusCode(200)
                .body("decision", equalTo("rejected"))
                .body("decisionReason", equalTo(reason))
                .body("gate.rule", equalTo("evaluation-set"))
                .body("gate.promote", equalTo(false))
                .body("gate.evaluationSet.dataset", equalTo(SET))
                .body("gate.evaluationSet.version", equalTo(1))
                .body("gate.alpha", equalTo(0.05f))
                .body("gate.margin", equalTo(0.0f))
                .body("gate.items", equalTo(gate.items()))
                .body("gate.candidateCorrect", equalTo(gate.candidateCorrect()))
                .body("gate.parentCorrect", equalTo(gate.parentCorrect()));
        get("/models/{model}/versions/2/metrics", model)
                .statusCode(200)
                .body("gate.failedChecks", equalTo(gate.failedChecks()));
    }

    /** Version 1 still holds production: the rejection moved no alias and announced no promotion. */
    private void assertProductionStayed(String model) {
        get("/models/{model}/aliases/production", model).statusCode(200).body("version", equalTo(1));
        get("/models/{model}/aliases/production/history", model).statusCode(200).body("version", contains(1));
        assertThat(has(KafkaTestClient.modelVersionEvents(modelVersions, model), ModelVersionAction.PROMOTED, 2))
                .isFalse();
    }
}
