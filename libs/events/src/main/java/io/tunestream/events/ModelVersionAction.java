package io.tunestream.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happened to a model version in the registry. */
public enum ModelVersionAction {
    @JsonProperty("registered")
    REGISTERED,
    /** The version now holds the alias named in the event ({@code production} or {@code candidate}). */
    @JsonProperty("promoted")
    PROMOTED,
    /** The promotion policy refused the candidate; the event's {@code reason} says why. */
    @JsonProperty("rejected")
    REJECTED,
    /** {@code production} was pointed back at an earlier version. */
    @JsonProperty("rolled-back")
    ROLLED_BACK
}
