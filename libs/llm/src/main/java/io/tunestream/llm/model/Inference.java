package io.tunestream.llm.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/** Thread setup for inference on the PyTorch engine. */
public final class Inference {

    private Inference() {}

    /**
     * Turns autograd recording off for the calling thread. PyTorch's grad mode is thread-local and on by default in
     * every thread but the one that started the engine, so every inference thread calls this first; otherwise each
     * forward pass builds a graph that holds its activations.
     */
    public static void disableGradientsOnThisThread() {
        Engine.getInstance();
        JniUtils.setGradMode(false);
    }
}
