package io.tunestream.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a dataset version is for, and so which training stage consumes it. */
public enum Recipe {
    /** Preference triples: chosen = ground truth, rejected = the model's own answer. */
    @JsonProperty("dpo")
    DPO,
    /** Supervised fine-tuning records (Alpaca or conversations). */
    @JsonProperty("sft")
    SFT,
    /** Plain text for continued pretraining. */
    @JsonProperty("pretrain")
    PRETRAIN
}
