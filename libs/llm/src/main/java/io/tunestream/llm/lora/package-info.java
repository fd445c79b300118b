/**
 * LoRA adapters for the Llama engine: low-rank updates wrapped around the decoder's projections
 * ({@link io.tunestream.llm.lora.LoraModel}), read and written in Hugging Face PEFT's adapter format
 * ({@link io.tunestream.llm.lora.PeftAdapter}) and merged into the base weights ({@link io.tunestream.llm.lora.LoraMerge}).
 */
package io.tunestream.llm.lora;
