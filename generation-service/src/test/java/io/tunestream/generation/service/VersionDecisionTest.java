package io.tunestream.generation.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Not a @QuarkusTest: the rules are a pure function of what the replica knows. */
class VersionDecisionTest {

    private static VersionDecision decide(
            int requested,
            int loaded,
            int production,
            Set<Integer> former,
            Map<Integer, String> failed,
            Map<Integer, String> rejected) {
        return VersionDecision.decide("qa", requested, loaded == requested, production, former, failed, rejected);
    }

    private static String refusal(VersionDecision decision) {
        assertThat(decision).isInstanceOf(VersionDecision.Refuse.class);
        return ((VersionDecision.Refuse) decision).reason();
    }

    @Test
    void shouldServeTheLoadedVersionEvenWhileANewerOneLoads() {
        assertThat(decide(3, 3, 3, Set.of(), Map.of(), Map.of())).isInstanceOf(VersionDecision.Serve.class);
        assertThat(decide(3, 3, 4, Set.of(3), Map.of(), Map.of())).isInstanceOf(VersionDecision.Serve.class);
    }

    @Test
    void shouldWaitBeforeAnyModelIsKnown() {
        assertThat(decide(1, 0, 0, Set.of(), Map.of(), Map.of())).isInstanceOf(VersionDecision.Wait.class);
    }

    @Test
    void shouldWaitForTheProductionVersionWhileItLoads() {
        assertThat(decide(4, 3, 4, Set.of(3), Map.of(), Map.of())).isInstanceOf(VersionDecision.Wait.class);
    }

    @Test
    void shouldWaitForAVersionAboveProductionWhosePromotionHasNotArrivedYet() {
        assertThat(decide(5, 3, 3, Set.of(), Map.of(), Map.of())).isInstanceOf(VersionDecision.Wait.class);
    }

    @Test
    void shouldRefuseAVersionThatLostProductionNamingTheCurrentOne() {
        assertThat(refusal(decide(2, 3, 3, Set.of(1, 2), Map.of(), Map.of())))
                .contains("version 2 of model qa is no longer in production")
                .contains("production is version 3");
    }

    @Test
    void shouldRefuseAVersionRolledBackFrom() {
        assertThat(refusal(decide(5, 3, 3, Set.of(5), Map.of(), Map.of())))
                .contains("version 5 of model qa is no longer in production")
                .contains("production is version 3");
    }

    @Test
    void shouldRefuseAVersionBelowProductionThatNeverHeldIt() {
        assertThat(refusal(decide(2, 3, 3, Set.of(1), Map.of(), Map.of()))).contains("has never been in production");
    }

    @Test
    void shouldRefuseAVersionTheRegistryRejectedWithItsReason() {
        assertThat(refusal(decide(4, 3, 3, Set.of(), Map.of(), Map.of(4, "accuracy 0.41 < 0.60"))))
                .contains("version 4 of model qa was rejected by the registry")
                .contains("accuracy 0.41 < 0.60");
    }

    @Test
    void shouldRefuseAVersionThatFailedToLoadWithTheReason() {
        assertThat(refusal(decide(4, 3, 4, Set.of(3), Map.of(4, "config.json: sha256 mismatch"), Map.of())))
                .contains("version 4 of model qa could not be loaded")
                .contains("sha256 mismatch");
    }
}
