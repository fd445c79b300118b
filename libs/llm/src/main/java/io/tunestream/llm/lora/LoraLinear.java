package io.tunestream.llm.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import io.tunestream.llm.checkpoint.Tensor;
import io.tunestream.llm.model.DenseLinear;
import io.tunestream.llm.model.Linear;
import java.util.Arrays;
import java.util.Random;

/**
 * A projection with a LoRA update: {@code y = base(x) + (dropout(x) A^T) B^T · scale}, where A is (r, in) and B is
 * (out, r). B starts at zero, so a fresh adapter leaves the model unchanged. The base weights are never touched;
 * turning the adapter off ({@link #setEnabled}) gives the base projection back, which is how a DPO reference model
 * shares the policy's weights.
 *
 * <p>The forward pass only combines tensors (the scale is a 0-dim array, never a Java scalar), so it is safe to
 * differentiate. A and B live in the base weight's manager, outside any caller's {@link NDScope}.
 */
public final class LoraLinear implements Linear {

    private final Linear base;
    private final NDArray loraA; // (r, in)
    private final NDArray loraB; // (out, r)
    private final double scale;
    private final NDArray scaleArray; // ()
    private final float dropout;
    private boolean enabled = true;
    private boolean training;

    /**
     * Wraps {@code base} with a fresh adapter initialised as PEFT does: A kaiming-uniform with {@code a = sqrt(5)},
     * i.e. U(-1/sqrt(in), 1/sqrt(in)), drawn from {@code random}; B zero.
     */
    public LoraLinear(Linear base, LoraConfig config, Random random) {
        if (base instanceof LoraLinear) {
            throw new IllegalArgumentException("the projection already has a LoRA adapter");
        }
        this.base = base;
        long[] weightShape;
        NDManager manager;
        // A quantized base hands out a dequantized copy: read its shape and manager in a scope that frees it.
        try (NDScope scope = new NDScope()) {
            NDArray weight = base.weight();
            weightShape = weight.getShape().getShape();
            manager = weight.getManager();
            scope.suppressNotUsedWarning();
        }
        long out = weightShape[0];
        long in = weightShape[1];
        int r = config.r();
        double bound = 1.0 / Math.sqrt(in);
        float[] a = new float[Math.toIntExact(r * in)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        this.loraA = manager.create(a, new Shape(r, in));
        this.loraB = manager.zeros(new Shape(out, r));
        this.scale = config.scale();
        this.scaleArray = manager.create((float) scale);
        this.dropout = (float) config.dropout();
        // The layer outlives whatever scope its creator has open.
        NDScope.unregister(loraA, loraB, scaleArray);
    }

    @Override
    public NDArray forward(NDArray input) {
        NDArray output = base.forward(input);
        if (!enabled) {
            return output;
        }
        NDArray adapterInput =
                training && dropout > 0 ? Dropout.dropout(input, dropout, true).singletonOrThrow() : input;
        NDArray low = DenseLinear.project(adapterInput, loraA, null); // (..., r)
        NDArray update = DenseLinear.project(low, loraB, null); // (..., out)
        return output.add(update.mul(scaleArray));
    }

    /** The base projection's weight: LoRA leaves it as it is. */
    @Override
    public NDArray weight() {
        return base.weight();
    }

    @Override
    public NDArray bias() {
        return base.bias();
    }

    public Linear base() {
        return base;
    }

    /** (r, in); trainable. */
    public NDArray loraA() {
        return loraA;
    }

    /** (out, r); trainable. */
    public NDArray loraB() {
        return loraB;
    }

    /** The factor the update is multiplied by (see {@link LoraConfig#scale()}). */
    public double scale() {
        return scale;
    }

    public int rank() {
        return (int) loraA.getShape().get(0);
    }

    public boolean isEnabled() {
        return enabled;
    }

    /** Off: the forward pass is the base projection alone. */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isTraining() {
        return training;
    }

    /** On: dropout is applied to the adapter's input. */
    public void setTraining(boolean training) {
        this.training = training;
    }

    /**
     * Overwrites A and B in place (the arrays stay the same objects, so an optimiser holding them keeps working).
     *
     * @throws IllegalArgumentException naming the expected shapes when the tensors do not fit this layer
     */
    public void load(Tensor a, Tensor b) {
        long[] expectedA = loraA.getShape().getShape();
        long[] expectedB = loraB.getShape().getShape();
        if (!Arrays.equals(a.shape(), expectedA) || !Arrays.equals(b.shape(), expectedB)) {
            throw new IllegalArgumentException("lora_A " + Arrays.toString(a.shape()) + " and lora_B "
                    + Arrays.toString(b.shape()) + " do not fit this layer, which needs lora_A "
                    + Arrays.toString(expectedA) + " and lora_B " + Arrays.toString(expectedB));
        }
        loraA.set(a.data());
        loraB.set(b.data());
    }

    /** A copied to Java memory. */
    public Tensor loraATensor() {
        return new Tensor(loraA.getShape().getShape(), loraA.toFloatArray());
    }

    /** B copied to Java memory. */
    public Tensor loraBTensor() {
        return new Tensor(loraB.getShape().getShape(), loraB.toFloatArray());
    }
}
