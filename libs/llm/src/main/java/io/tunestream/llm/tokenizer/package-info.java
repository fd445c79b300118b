/**
 * Tokenizers: Hugging Face tokenizers loaded from model directories through DJL ({@link
 * io.tunestream.llm.tokenizer.Tokenizer}), streaming decoding, and a Java trainer for byte-level BPE tokenizers that
 * writes standard {@code tokenizer.json} files ({@link io.tunestream.llm.tokenizer.BpeTrainer}).
 */
package io.tunestream.llm.tokenizer;
