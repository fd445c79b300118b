package io.tunestream.training.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunestream.events.Recipe;
import io.tunestream.training.config.TrainingConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Not a @QuarkusTest: resolving hyperparameters is plain logic over the configured defaults. */
class JobHyperparametersTest {

    private static final TrainingConfig.Defaults DEFAULTS = new TrainingConfig.Defaults() {
        public int maxSteps() { return 200; }
        public int batchSize() { return 8; }
        public double sftLearningRate() { return 2e-4; }
        public double dpoLearningRate() { return 5e-5; }
        public int loraRank() { return 8; }
        public double loraAlpha() { return 16; }
        public double beta() { return 0.1; }
        public int maxLength() { return 512; }
        public int evalEvery() { return 50; }
        public long seed() { return 42; }
        public int exactMatchMaxAnswerTokens() { return 16; }
        public String method() { return "lora"; }
    };

    @Test
    void shouldTakeTheRecipesLearningRateAndTheSubmittedValuesOverTheDefaults() {
        JobHyperparameters dpo = JobHyperparameters.resolve(Recipe.DPO, Map.of("maxSteps", 7, "beta", "0.2"), DEFAULTS);
        JobHyperparameters sft = JobHyperparameters.resolve(Recipe.SFT, null, DEFAULTS);

        assertThat(dpo.maxSteps()).isEqualTo(7);
        assertThat(dpo.beta()).isEqualTo(0.2);
        assertThat(dpo.learningRate()).isEqualTo(5e-5);
        assertThat(sft.learningRate()).isEqualTo(2e-4);
        assertThat(sft.asMap()).containsEntry("maxSteps", 200).containsEntry("loraRank", 8);
        assertThat(JobHyperparameters.resolve(Recipe.SFT, sft.asMap(), DEFAULTS)).isEqualTo(sft);
    }

    @Test
    void shouldNameAnUnknownKeyAndAValueThatIsNotANumber() {
        assertThatThrownBy(() -> JobHyperparameters.resolve(Recipe.SFT, Map.of("epochs", 3), DEFAULTS))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageStartingWith("unknown hyperparameter 'epochs'; accepted: [batchSize, beta,");
        assertThatThrownBy(() -> JobHyperparameters.resolve(Recipe.SFT, Map.of("maxSteps", "many"), DEFAULTS))
                .hasMessage("hyperparameter 'maxSteps' must be a number, got 'many'");
        assertThatThrownBy(() -> JobHyperparameters.resolve(Recipe.SFT, Map.of("maxSteps", 0), DEFAULTS))
                .isInstanceOf(InvalidJobException.class);
    }

    @Test
    void shouldTakeATrainingMethodAndNameAnUnknownOne() {
        JobHyperparameters nf4 = JobHyperparameters.resolve(Recipe.SFT, Map.of("method", "QLoRA-NF4"), DEFAULTS);
        JobHyperparameters full = JobHyperparameters.resolve(Recipe.SFT, Map.of("method", "full"), DEFAULTS);

        assertThat(nf4.method()).isEqualTo("qlora-nf4");
        assertThat(nf4.usesAdapters()).isTrue();
        assertThat(nf4.baseQuantization()).isEqualTo(io.tunestream.llm.quantization.QuantizationType.NF4);
        assertThat(full.usesAdapters()).isFalse();
        assertThat(JobHyperparameters.resolve(Recipe.SFT, null, DEFAULTS).method()).isEqualTo("lora");
        assertThatThrownBy(() -> JobHyperparameters.resolve(Recipe.SFT, Map.of("method", "dora"), DEFAULTS))
                .isInstanceOf(InvalidJobException.class)
                .hasMessage("hyperparameter 'method' must be one of [lora, qlora-int8, qlora-nf4, full], got 'dora'");
    }
}
