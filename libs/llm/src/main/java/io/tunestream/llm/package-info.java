/**
 * The Tunestream engine: Llama and Qwen2 language models in DJL on the PyTorch CPU engine, Hugging Face checkpoints,
 * tokenizers and prompt templates, data formats, synthetic tasks and batched generation.
 */
package io.tunestream.llm;
