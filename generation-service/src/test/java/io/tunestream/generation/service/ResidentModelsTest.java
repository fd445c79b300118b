package io.tunestream.generation.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Not a @QuarkusTest: the eviction policy is bookkeeping over sizes. */
class ResidentModelsTest {

    @Test
    void shouldEvictTheLeastRecentlyUsedUntilTheNewModelFits() {
        ResidentModels resident = new ResidentModels(100);
        assertThat(resident.admit("a:v1", 40)).isEmpty();
        assertThat(resident.admit("b:v1", 40)).isEmpty();
        resident.touch("a:v1");

        assertThat(resident.admit("c:v1", 40)).containsExactly("b:v1");
        assertThat(resident.usedBytes()).isEqualTo(80);
        assertThat(resident.admit("d:v1", 70)).containsExactly("a:v1", "c:v1");
        assertThat(resident.usedBytes()).isEqualTo(70);
    }

    @Test
    void shouldKeepAModelLargerThanTheBudgetAloneRatherThanRefuseIt() {
        ResidentModels resident = new ResidentModels(100);
        resident.admit("a:v1", 30);
        assertThat(resident.admit("huge:v1", 500)).containsExactly("a:v1");
        assertThat(resident.usedBytes()).isEqualTo(500);
        resident.remove("huge:v1");
        assertThat(resident.usedBytes()).isZero();
    }
}
