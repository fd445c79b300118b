package io.tunestream.llm.model;

import io.tunestream.llm.checkpoint.CheckpointException;
import java.util.Arrays;

/** The Hugging Face architectures Tunestream runs; they differ only in which projections carry a bias. */
public enum Architecture {
    LLAMA("LlamaForCausalLM", "llama"),
    QWEN2("Qwen2ForCausalLM", "qwen2");

    private final String className;
    private final String modelType;

    Architecture(String className, String modelType) {
        this.className = className;
        this.modelType = modelType;
    }

    /** The value of {@code architectures[0]} in {@code config.json}. */
    public String className() {
        return className;
    }

    /** The value of {@code model_type} in {@code config.json}. */
    public String modelType() {
        return modelType;
    }

    static Architecture of(String className, String where) {
        for (Architecture architecture : values()) {
            if (architecture.className.equals(className)) {
                return architecture;
            }
        }
        throw new CheckpointException(where + ": architecture \"" + className + "\" is not supported (supported: "
                + Arrays.stream(values()).map(Architecture::className).toList() + ")");
    }
}
