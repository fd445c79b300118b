package io.tunestream.llm.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoraConfigTest {

    @Test
    void defaultsTargetEveryProjectionButTheHead() {
        LoraConfig defaults = LoraConfig.defaults();
        assertThat(defaults.r()).isEqualTo(8);
        assertThat(defaults.alpha()).isEqualTo(16);
        assertThat(defaults.dropout()).isEqualTo(0.05);
        assertThat(defaults.targetModules())
                .containsExactly("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
        assertThat(defaults.scale()).isEqualTo(2.0);
        assertThat(defaults.targets("model.layers.3.mlp.gate_proj")).isTrue();
    }

    @Test
    void rsLoraScalesByTheSquareRootOfTheRank() {
        assertThat(new LoraConfig(16, 8, 0, List.of("q_proj"), true, null).scale())
                .isEqualTo(2.0);
        assertThat(new LoraConfig(16, 8, 0, List.of("q_proj"), false, null).scale())
                .isEqualTo(0.5);
    }

    @Test
    void rejectsWhatItCannotApply() {
        assertThatThrownBy(() -> new LoraConfig(8, 16, 0, List.of("lm_head"), false, null))
                .hasMessageContaining("\"lm_head\"")
                .hasMessageContaining("accepted: [q_proj");
        assertThatThrownBy(() -> new LoraConfig(0, 16, 0, List.of("q_proj"), false, null))
                .hasMessageContaining("rank");
        assertThatThrownBy(() -> new LoraConfig(8, 16, 1, List.of("q_proj"), false, null))
                .hasMessageContaining("lora_dropout");
        assertThatThrownBy(() -> new LoraConfig(8, 16, 0, List.of("q_proj", "q_proj"), false, null))
                .hasMessageContaining("twice");
    }
}
