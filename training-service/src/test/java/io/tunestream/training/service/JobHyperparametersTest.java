package io.tunestream.training.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunestream.events.Recipe;
import io.tunestream.llm.training.DpoLossType;
import io.tunestream.llm.training.DpoSettings;
import io.tunestream.training.config.TrainingConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Not a @QuarkusTest: resolving hyperparameters is plain logic over the configured defaults. */
class JobHyperparametersTest {

    private static final TrainingConfig.Defaults DEFAULTS = new TrainingConfig.Defaults() {
        public int maxSteps() {
            return 200;
        }

        public int batchSize() {
            return 8;
        }

        public double sftLearningRate() {
            return 2e-4;
        }

        public double dpoLearningRate() {
            return 3e-5;
        }

        public int loraRank() {
            return 8;
        }

        public double loraAlpha() {
            return 16;
        }

        public double beta() {
            return 0.1;
        }

        public int maxLength() {
            return 512;
        }

        public int evalEvery() {
            return 50;
        }

        public long seed() {
            return 42;
        }

        public int exactMatchMaxAnswerTokens() {
            return 16;
        }

        public String method() {
            return "lora";
        }

        public String lossType() {
            return "sigmoid";
        }

        public double labelSmoothing() {
            return 0;
        }

        public double nllWeight() {
            return 1.0;
        }
    };

    @Test
    void shouldTakeTheRecipesLearningRateAndTheSubmittedValuesOverTheDefaults() {
        JobHyperparameters dpo = JobHyperparameters.resolve(Recipe.DPO, Map.of("maxSteps", 7, "beta", "0.2"), DEFAULTS);
        JobHyperparameters sft = JobHyperparameters.resolve(Recipe.SFT, null, DEFAULTS);

        assertThat(dpo.maxSteps()).isEqualTo(7);
        assertThat(dpo.beta()).isEqualTo(0.2);
        assertThat(dpo.learningRate()).isEqualTo(3e-5);
        assertThat(sft.learningRate()).isEqualTo(2e-4);
        assertThat(sft.asMap()).containsEntry("maxSteps", 200).containsEntry("loraRank", 8);
        assertThat(JobHyperparameters.resolve(Recipe.SFT, sft.asMap(), DEFAULTS))
                .isEqualTo(sft);
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
        assertThat(JobHyperparameters.resolve(Recipe.SFT, null, DEFAULTS).method())
                .isEqualTo("lora");
        assertThatThrownBy(() -> JobHyperparameters.resolve(Recipe.SFT, Map.of("method", "dora"), DEFAULTS))
                .isInstanceOf(InvalidJobException.class)
                .hasMessage("hyperparameter 'method' must be one of [lora, qlora-int8, qlora-nf4, full], got 'dora'");
    }

    @Test
    void shouldTakeTheDpoRecipeAndDefaultToTheEnginesBenchQualitySettings() {
        JobHyperparameters defaults = JobHyperparameters.resolve(Recipe.DPO, Map.of(), DEFAULTS);
        JobHyperparameters ipo = JobHyperparameters.resolve(
                Recipe.DPO, Map.of("lossType", "IPO", "nllWeight", 0, "beta", 0.5), DEFAULTS);
        JobHyperparameters smoothed = JobHyperparameters.resolve(
                Recipe.DPO, Map.of("lossType", "sigmoid", "labelSmoothing", "0.1"), DEFAULTS);

        assertThat(defaults.dpoSettings()).isEqualTo(new DpoSettings(0.1, DpoLossType.SIGMOID, 0, 1.0));
        assertThat(defaults.asMap())
                .containsEntry("lossType", "sigmoid")
                .containsEntry("labelSmoothing", 0.0)
                .containsEntry("nllWeight", 1.0)
                .containsEntry("learningRate", 3e-5);
        assertThat(ipo.dpoSettings()).isEqualTo(new DpoSettings(0.5, DpoLossType.IPO, 0, 0));
        assertThat(smoothed.dpoSettings().labelSmoothing()).isEqualTo(0.1);
        assertThat(JobHyperparameters.resolve(Recipe.DPO, ipo.asMap(), DEFAULTS))
                .isEqualTo(ipo);
    }

    @Test
    void shouldNameTheFieldOfAnInvalidDpoSetting() {
        assertThatThrownBy(() -> JobHyperparameters.resolve(Recipe.DPO, Map.of("lossType", "kto"), DEFAULTS))
                .isInstanceOf(InvalidJobException.class)
                .hasMessage("hyperparameter 'lossType' must be one of [sigmoid, ipo, hinge], got 'kto'");
        assertThatThrownBy(() -> JobHyperparameters.resolve(Recipe.DPO, Map.of("labelSmoothing", 0.5), DEFAULTS))
                .hasMessage("hyperparameter 'labelSmoothing' must be in [0, 0.5), got 0.5");
        assertThatThrownBy(() -> JobHyperparameters.resolve(
                        Recipe.DPO, Map.of("lossType", "hinge", "labelSmoothing", 0.1), DEFAULTS))
                .hasMessage("hyperparameter 'labelSmoothing' applies to lossType 'sigmoid' only, got lossType 'hinge'");
        assertThatThrownBy(() -> JobHyperparameters.resolve(Recipe.DPO, Map.of("nllWeight", -1), DEFAULTS))
                .hasMessage("hyperparameter 'nllWeight' must be 0 (off) or positive, got -1.0");
    }

    @Test
    void shouldTakeTrainSupersededAsAFlagOnly() {
        assertThat(JobHyperparameters.resolve(Recipe.DPO, Map.of(), DEFAULTS).trainSuperseded())
                .isFalse();
        assertThat(JobHyperparameters.resolve(Recipe.DPO, Map.of("trainSuperseded", true), DEFAULTS)
                        .trainSuperseded())
                .isTrue();
        assertThatThrownBy(() -> JobHyperparameters.resolve(Recipe.DPO, Map.of("trainSuperseded", "yes"), DEFAULTS))
                .hasMessage("hyperparameter 'trainSuperseded' must be true or false, got 'yes'");
    }
}
