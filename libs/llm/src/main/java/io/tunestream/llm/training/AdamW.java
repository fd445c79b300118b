package io.tunestream.llm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter) with decoupled weight decay, as PyTorch's {@code torch.optim.AdamW}:
 * {@code m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr (m_hat / (sqrt(v_hat) + eps) + wd p)}.
 *
 * <p>The update runs outside any differentiated graph (the caller's gradient collector is closed), so Java scalars
 * are safe here. Moment estimates live in the optimizer's own manager and survive every step's scope.
 */
public final class AdamW implements AutoCloseable {

    private final List<NDArray> parameters;
    private final NDManager manager;
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private long step;

    public AdamW(
            List<NDArray> parameters,
            NDManager parent,
            double beta1,
            double beta2,
            double epsilon,
            double weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && epsilon > 0 && weightDecay >= 0)) {
            throw new IllegalArgumentException("AdamW needs 0 <= betas < 1, eps > 0, weight decay >= 0");
        }
        this.parameters = List.copyOf(parameters);
        this.manager = parent.newSubManager();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        for (NDArray parameter : this.parameters) {
            NDArray m = manager.zeros(parameter.getShape(), parameter.getDataType());
            NDArray v = manager.zeros(parameter.getShape(), parameter.getDataType());
            NDScope.unregister(m, v);
            firstMoments.add(m);
            secondMoments.add(v);
        }
    }

    /** PyTorch's defaults for AdamW: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public static AdamW withDefaults(List<NDArray> parameters, NDManager parent) {
        return new AdamW(parameters, parent, 0.9, 0.999, 1e-8, 0.01);
    }

    /** Steps taken so far (what a checkpoint must restore). */
    public long stepCount() {
        return step;
    }

    public List<NDArray> firstMoments() {
        return List.copyOf(firstMoments);
    }

    public List<NDArray> secondMoments() {
        return List.copyOf(secondMoments);
    }

    /** Restores the state of a checkpoint: the step and both moments, in the order of the parameters. */
    public void restore(long steps, List<float[]> first, List<float[]> second) {
        for (int i = 0; i < parameters.size(); i++) {
            firstMoments.get(i).set(first.get(i));
            secondMoments.get(i).set(second.get(i));
        }
        step = steps;
    }

    /**
     * Updates every parameter in place from its gradient.
     *
     * @param gradients one per parameter, in the same order
     */
    public void step(List<NDArray> gradients, double learningRate) {
        if (gradients.size() != parameters.size()) {
            throw new IllegalArgumentException(
                    gradients.size() + " gradients for " + parameters.size() + " parameters");
        }
        step++;
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        double stepSize = learningRate / correction1;
        for (int i = 0; i < parameters.size(); i++) {
            // One scope per parameter: its temporaries (several arrays of its size) are freed before the next
            // parameter's, so the update's overhead is one parameter's, not the whole model's.
            try (NDScope scope = new NDScope()) {
                NDArray parameter = parameters.get(i);
                NDArray gradient = gradients.get(i);
                NDArray m = firstMoments.get(i);
                NDArray v = secondMoments.get(i);
                m.muli(beta1).addi(gradient.mul(1 - beta1));
                v.muli(beta2).addi(gradient.square().muli(1 - beta2));
                if (weightDecay != 0) {
                    parameter.muli(1 - learningRate * weightDecay);
                }
                NDArray denominator = v.div(correction2).sqrt().addi(epsilon);
                parameter.subi(m.div(denominator).muli(stepSize));
                scope.suppressNotUsedWarning();
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
