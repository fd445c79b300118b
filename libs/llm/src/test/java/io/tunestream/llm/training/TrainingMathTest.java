package io.tunestream.llm.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaConfig;
import io.tunestream.llm.model.LlamaModel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The maths of the objectives and the optimizer, against hand computations. */
class TrainingMathTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        Inference.disableGradientsOnThisThread();
        manager = Engine.getInstance().newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray vector(double... values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return manager.create(floats);
    }

    private static double logSigmoid(double x) {
        return -Math.log1p(Math.exp(-x));
    }

    @Test
    void dpoLossIsLn2WhenPolicyEqualsReference() {
        NDArray chosen = vector(-12.5, -3.25);
        NDArray rejected = vector(-7.0, -9.5);
        DpoLoss.Result result = new DpoLoss(DpoSettings.defaults())
                .compute(chosen, rejected, chosen.duplicate(), rejected.duplicate(), vector(5, 4));
        assertThat(result.loss().getFloat()).isCloseTo((float) Math.log(2), within(1e-6f));
        assertThat(result.metrics().get("rewards/margins")).isZero();
        assertThat(result.metrics().get("rewards/accuracies")).isZero();
    }

    @Test
    void dpoLossesEqualTheirClosedForms() {
        double[] pc = {-10, -4};
        double[] pr = {-11, -3};
        double[] rc = {-10.5, -4.2};
        double[] rr = {-10.8, -3.5};
        double beta = 0.5;
        double sigmoid = 0;
        double smoothed = 0;
        double ipo = 0;
        double hinge = 0;
        for (int i = 0; i < 2; i++) {
            double h = (pc[i] - pr[i]) - (rc[i] - rr[i]);
            sigmoid += -logSigmoid(beta * h) / 2;
            smoothed += (-(0.9) * logSigmoid(beta * h) - 0.1 * logSigmoid(-beta * h)) / 2;
            ipo += Math.pow(h - 1 / (2 * beta), 2) / 2;
            hinge += Math.max(0, 1 - beta * h) / 2;
        }
        assertThat(loss(new DpoSettings(beta, DpoLossType.SIGMOID, 0, 0), pc, pr, rc, rr))
                .isCloseTo(sigmoid, within(1e-5));
        assertThat(loss(new DpoSettings(beta, DpoLossType.SIGMOID, 0.1, 0), pc, pr, rc, rr))
                .isCloseTo(smoothed, within(1e-5));
        assertThat(loss(new DpoSettings(beta, DpoLossType.IPO, 0, 0), pc, pr, rc, rr))
                .isCloseTo(ipo, within(1e-5));
        assertThat(loss(new DpoSettings(beta, DpoLossType.HINGE, 0, 0), pc, pr, rc, rr))
                .isCloseTo(hinge, within(1e-5));

        // The NLL term adds weight x mean(-log pi(y_w) / |y_w|).
        double nll = (10.0 / 5 + 4.0 / 2) / 2;
        DpoLoss.Result withNll = new DpoLoss(new DpoSettings(beta, DpoLossType.SIGMOID, 0, 0.2))
                .compute(vector(pc), vector(pr), vector(rc), vector(rr), vector(5, 2));
        assertThat((double) withNll.loss().getFloat()).isCloseTo(sigmoid + 0.2 * nll, within(1e-5));
        assertThat(withNll.metrics().get("rewards/chosen")).isCloseTo(beta * ((0.5) + (0.2)) / 2, within(1e-6));
        assertThat(withNll.metrics().get("rewards/rejected")).isCloseTo(beta * ((-0.2) + (0.5)) / 2, within(1e-6));
        assertThat(withNll.metrics().get("rewards/accuracies")).isEqualTo(0.5);
        assertThat(withNll.metrics().get("logps/chosen")).isCloseTo(-7, within(1e-6));
    }

    private double loss(DpoSettings settings, double[] pc, double[] pr, double[] rc, double[] rr) {
        return new DpoLoss(settings)
                .compute(vector(pc), vector(pr), vector(rc), vector(rr), vector(1, 1))
                .loss()
                .getFloat();
    }

    @Test
    void maskedPositionsGetZeroGradientAndTheLossIsTheMeanOverSelectedTokens() {
        int vocab = 5;
        float[] values = new float[2 * 3 * vocab];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i * 1.7);
        }
        NDArray logits = manager.create(values, new Shape(2, 3, vocab));
        logits.setRequiresGradient(true);
        NDArray ids = manager.create(new long[] {1, 4, 2, 0, 3, 3}, new Shape(2, 3));
        // Row 0: learn both next tokens; row 1: only the last (its first next token is "prompt").
        NDArray mask = manager.create(new float[] {1, 1, 0, 1}, new Shape(2, 2));
        double expected = 0;
        int[][] targets = {{4, 2}, {3, 3}};
        boolean[][] selected = {{true, true}, {false, true}};
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 2; t++) {
                if (selected[b][t]) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int v = 0; v < vocab; v++) {
                        max = Math.max(max, values[(b * 3 + t) * vocab + v]);
                    }
                    double sum = 0;
                    for (int v = 0; v < vocab; v++) {
                        sum += Math.exp(values[(b * 3 + t) * vocab + v] - max);
                    }
                    expected -= values[(b * 3 + t) * vocab + targets[b][t]] - max - Math.log(sum);
                }
            }
        }
        expected /= 3;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = Losses.maskedCrossEntropy(logits, ids, mask);
            assertThat((double) loss.getFloat()).isCloseTo(expected, within(1e-5));
            collector.backward(loss);
        }
        float[] gradient = logits.getGradient().toFloatArray();
        for (int v = 0; v < vocab; v++) {
            assertThat(gradient[(1 * 3 + 0) * vocab + v])
                    .as("masked position (1, 0)")
                    .isZero();
            assertThat(gradient[(0 * 3 + 2) * vocab + v])
                    .as("last position predicts nothing")
                    .isZero();
            assertThat(gradient[(1 * 3 + 2) * vocab + v]).isZero();
        }
        assertThat(gradient[(0 * 3 + 0) * vocab + 4])
                .as("a learned target's logit is pushed up")
                .isNegative();
    }

    @Test
    void adamWStepMatchesPyTorchsFormula() {
        NDArray parameter = vector(1.0, -2.0);
        NDArray gradient = vector(0.5, 0.25);
        try (AdamW optimizer = new AdamW(List.of(parameter), manager, 0.9, 0.999, 1e-8, 0.1)) {
            optimizer.step(List.of(gradient), 0.01);
            optimizer.step(List.of(gradient), 0.01);
        }
        // By hand, two steps of torch.optim.AdamW with a constant gradient.
        double[] p = {1.0, -2.0};
        double[] g = {0.5, 0.25};
        double[] m = new double[2];
        double[] v = new double[2];
        for (int step = 1; step <= 2; step++) {
            for (int i = 0; i < 2; i++) {
                p[i] *= 1 - 0.01 * 0.1;
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                double denominator = Math.sqrt(v[i] / (1 - Math.pow(0.999, step))) + 1e-8;
                p[i] -= 0.01 / (1 - Math.pow(0.9, step)) * m[i] / denominator;
            }
        }
        float[] updated = parameter.toFloatArray();
        assertThat((double) updated[0]).isCloseTo(p[0], within(1e-6));
        assertThat((double) updated[1]).isCloseTo(p[1], within(1e-6));
    }

    @Test
    void globalNormClippingScalesAllGradientsTogether() {
        NDArray first = vector(3, 0);
        NDArray second = vector(0, 4);
        double norm = GradientClipping.clipGlobalNorm(List.of(first, second), 1.0);
        assertThat(norm).isCloseTo(5, within(1e-6));
        assertThat(first.toFloatArray()[0]).isCloseTo(0.6f, within(1e-5f));
        assertThat(second.toFloatArray()[1]).isCloseTo(0.8f, within(1e-5f));
        double unclipped = GradientClipping.clipGlobalNorm(List.of(vector(0.3, 0.4)), 1.0);
        assertThat(unclipped).isCloseTo(0.5, within(1e-6));
    }

    @Test
    void schedulesWarmUpThenDecay() {
        LearningRateSchedule cosine = new LearningRateSchedule(LearningRateSchedule.Kind.COSINE, 1e-3, 9, 109, 0.1);
        assertThat(cosine.rate(0)).isCloseTo(1e-4, within(1e-12));
        assertThat(cosine.rate(9)).isCloseTo(1e-3, within(1e-12));
        assertThat(cosine.rate(59)).isCloseTo(1e-3 * (0.1 + 0.9 * 0.5), within(1e-12));
        assertThat(cosine.rate(109)).isCloseTo(1e-4, within(1e-12));
        LearningRateSchedule linear = new LearningRateSchedule(LearningRateSchedule.Kind.LINEAR, 1e-3, 0, 100, 0);
        assertThat(linear.rate(50)).isCloseTo(5e-4, within(1e-12));
        LearningRateSchedule constant = new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT, 1e-3, 0, 100, 0);
        assertThat(constant.rate(99)).isEqualTo(1e-3);
    }

    /**
     * Tensor indexing's backward adds embedding rows with atomic float additions across threads, so a token that
     * occurs many times got a gradient whose rounding changed from run to run and seeded runs drifted apart; the
     * embedding op sums in a fixed order.
     */
    @Test
    void theEmbeddingGradientOfRepeatedTokensIsTheSameBitForBitEveryTime() {
        try (LlamaModel model = LlamaModel.initialize(
                LlamaConfig.small(16, 64, 1, 4, 2, 128, 256),
                3,
                Engine.getInstance().newBaseManager())) {
            long[] ids = new long[16 * 256];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = i % 3 + 1; // three tokens, each about 1,400 times
            }
            NDArray embedding = model.namedWeights().get("model.embed_tokens.weight");
            embedding.setRequiresGradient(true);
            float[] first = null;
            for (int repeat = 0; repeat < 8; repeat++) {
                try (NDManager scope = model.manager().newSubManager()) {
                    NDArray input = scope.create(ids, new Shape(16, 256));
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = model.forward(input, null, null, false);
                        collector.backward(logits.mul(logits).mean());
                    }
                    NDArray accumulated = embedding.getGradient();
                    float[] gradient = accumulated.toFloatArray();
                    accumulated.subi(accumulated);
                    if (first == null) {
                        first = gradient;
                    } else {
                        assertThat(gradient).as("repeat %d", repeat).containsExactly(first);
                    }
                }
            }
            assertThat(first).isNotEqualTo(new float[first.length]);
        }
    }
}
