package io.tunestream.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Why a generation ended, with OpenAI's names. */
public enum FinishReason {
    /** An end-of-sequence token or a stop string. */
    @JsonProperty("stop")
    STOP,
    /** {@code maxTokens} reached. */
    @JsonProperty("length")
    LENGTH,
    /** The generation failed; the event's {@code error} says why. */
    @JsonProperty("error")
    ERROR
}
