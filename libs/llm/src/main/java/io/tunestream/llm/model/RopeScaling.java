package io.tunestream.llm.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.llm.checkpoint.CheckpointException;

/**
 * The {@code rope_scaling} entry of {@code config.json}: none ({@code default}), {@code linear} (positions divided by
 * a factor) or {@code llama3} (Llama 3.1's frequency-dependent scaling). Other types are refused.
 */
public record RopeScaling(
        String type, double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings) {

    public static final RopeScaling NONE = new RopeScaling("default", 1, 0, 0, 0);
    private static final String SUPPORTED = "null, \"default\", \"linear\", \"llama3\"";

    public RopeScaling {
        if (!type.equals("default") && !type.equals("linear") && !type.equals("llama3")) {
            throw new IllegalArgumentException("rope_scaling type \"" + type + "\" (supported: " + SUPPORTED + ")");
        }
        if (factor <= 0) {
            throw new IllegalArgumentException("rope_scaling factor must be positive, got " + factor);
        }
        if (type.equals("llama3") && !(lowFreqFactor < highFreqFactor && originalMaxPositionEmbeddings > 0)) {
            throw new IllegalArgumentException("rope_scaling llama3 needs low_freq_factor < high_freq_factor and a"
                    + " positive original_max_position_embeddings");
        }
    }

    static RopeScaling fromJson(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        String type = node.has("rope_type")
                ? node.get("rope_type").asText()
                : node.path("type").asText("default");
        switch (type) {
            case "default":
                return NONE;
            case "linear":
                return new RopeScaling(type, required(node, "factor", where), 0, 0, 0);
            case "llama3":
                return new RopeScaling(
                        type,
                        required(node, "factor", where),
                        required(node, "low_freq_factor", where),
                        required(node, "high_freq_factor", where),
                        (int) required(node, "original_max_position_embeddings", where));
            default:
                throw new CheckpointException(where + ": rope_scaling type \"" + type + "\" is not supported"
                        + " (supported: " + SUPPORTED + ")");
        }
    }

    private static double required(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isNumber()) {
            throw new CheckpointException(where + ": rope_scaling needs a number \"" + field + "\"");
        }
        return value.asDouble();
    }

    /** Applies the scaling to the inverse frequencies, exactly as Hugging Face's rope initialisation functions do. */
    double[] scale(double[] inverseFrequencies) {
        double[] scaled = inverseFrequencies.clone();
        switch (type) {
            case "linear" -> {
                for (int i = 0; i < scaled.length; i++) {
                    scaled[i] /= factor;
                }
            }
            case "llama3" -> {
                double lowFreqWavelength = originalMaxPositionEmbeddings / lowFreqFactor;
                double highFreqWavelength = originalMaxPositionEmbeddings / highFreqFactor;
                for (int i = 0; i < scaled.length; i++) {
                    double wavelength = 2 * Math.PI / inverseFrequencies[i];
                    if (wavelength > lowFreqWavelength) {
                        scaled[i] = inverseFrequencies[i] / factor;
                    } else if (wavelength >= highFreqWavelength) {
                        double smooth = (originalMaxPositionEmbeddings / wavelength - lowFreqFactor)
                                / (highFreqFactor - lowFreqFactor);
                        scaled[i] = (1 - smooth) * inverseFrequencies[i] / factor + smooth * inverseFrequencies[i];
                    }
                }
            }
            default -> {}
        }
        return scaled;
    }
}
