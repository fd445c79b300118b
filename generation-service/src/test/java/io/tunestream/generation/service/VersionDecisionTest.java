package io.tunestream.generation.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Not a @QuarkusTest: the rules are a pure function of what the replica knows. */
class VersionDecisionTest {

    private static VersionDecision decide(int requested, int loaded, int production, Set<Integer> former,
            Map<Integer, String> failed, int highestSeen) {
        return VersionDecision.decide("qa", requested, loaded, production, former, failed, highestSeen);
    }

    @Test
    void shouldServeTheLoadedVersionEvenWhileANewerOneLoads() {
        assertThat(decide(3, 3, 3, Set.of(), Map.of(), 3)).isInstanceOf(VersionDecision.Serve.class);
        assertThat(decide(3, 3, 4, Set.of(3), Map.of(), 4)).isInstanceOf(VersionDecision.Serve.class);
    }

    @Test
    void shouldWaitBeforeAnyModelIsKnown() {
        assertThat(decide(1, 0, 0, Set.of(), Map.of(), 0)).isInstanceOf(VersionDecision.Wait.class);
    }

    @Test
    void shouldWaitForTheProductionVersionWhileItLoads() {
        assertThat(decide(4, 3, 4, Set.of(3), Map.of(), 4)).isInstanceOf(VersionDecision.Wait.class);
    }

    @Test
    void shouldWaitForAVersionNewerThanAnySeen() {
        assertThat(decide(5, 3, 3, Set.of(), Map.of(), 3)).isInstanceOf(VersionDecision.Wait.class);
    }

    @Test
    void shouldRefuseAVersionThatLostProductionNamingTheCurrentOne() {
        VersionDecision decision = decide(2, 3, 3, Set.of(1, 2), Map.of(), 3);
        assertThat(decision).isInstanceOf(VersionDecision.Refuse.class);
        assertThat(((VersionDecision.Refuse) decision).reason())
                .contains("version 2 of model qa is no longer in production").contains("production is version 3");
    }

    @Test
    void shouldRefuseAVersionThatNeverHeldProduction() {
        VersionDecision decision = decide(2, 3, 3, Set.of(1), Map.of(), 3);
        assertThat(((VersionDecision.Refuse) decision).reason()).contains("has never been in production");
        VersionDecision beforeAnyPromotion = decide(1, 0, 0, Set.of(), Map.of(), 1);
        assertThat(((VersionDecision.Refuse) beforeAnyPromotion).reason()).contains("no version is in production");
    }

    @Test
    void shouldRefuseAVersionThatFailedToLoadWithTheReason() {
        VersionDecision decision = decide(4, 3, 4, Set.of(3), Map.of(4, "config.json: sha256 mismatch"), 4);
        assertThat(((VersionDecision.Refuse) decision).reason())
                .contains("version 4 of model qa could not be loaded").contains("sha256 mismatch");
    }
}
