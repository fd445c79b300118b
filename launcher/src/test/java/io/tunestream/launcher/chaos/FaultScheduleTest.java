package io.tunestream.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {

    private static final List<String> COMPONENTS = List.of("kafka", "object-store", "dataset-service", "gateway");

    @Test
    void theSameSeedDrawsTheSamePlanAndAnotherSeedAnother() {
        FaultSchedule plan = FaultSchedule.draw(7, COMPONENTS, 2, Duration.ofMinutes(4));
        assertThat(FaultSchedule.draw(7, COMPONENTS, 2, Duration.ofMinutes(4))).isEqualTo(plan);
        assertThat(FaultSchedule.draw(8, COMPONENTS, 2, Duration.ofMinutes(4)).faults())
                .isNotEqualTo(plan.faults());
    }

    @Test
    void eachPassKillsEveryComponentOnceInItsOwnSlotWithoutOverlap() {
        Duration length = Duration.ofMinutes(4);
        FaultSchedule plan = FaultSchedule.draw(3, COMPONENTS, 2, length);
        assertThat(plan.faults()).hasSize(8);
        for (int pass = 0; pass < 2; pass++) {
            assertThat(plan.faults().subList(pass * 4, pass * 4 + 4))
                    .extracting(FaultSchedule.Fault::component)
                    .containsExactlyInAnyOrderElementsOf(COMPONENTS);
        }
        long slot = length.toMillis() / 8;
        for (int i = 0; i < plan.faults().size(); i++) {
            FaultSchedule.Fault fault = plan.faults().get(i);
            assertThat(fault.at().toMillis()).isBetween(i * slot, i * slot + slot / 2);
            assertThat(fault.down()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(4));
        }
        assertThat(plan.describe()).first().asString().contains("seed 3");
    }

    @Test
    void aPhaseTooShortForItsKillsIsRefused() {
        assertThatThrownBy(() -> FaultSchedule.draw(1, COMPONENTS, 1, Duration.ofSeconds(60)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too short");
        assertThat(FaultSchedule.passesFor(Duration.ofSeconds(140), 7)).isEqualTo(1);
        assertThat(FaultSchedule.passesFor(Duration.ofMinutes(30), 7)).isEqualTo(4);
    }
}
