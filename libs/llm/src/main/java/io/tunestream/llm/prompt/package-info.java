/**
 * Prompt rendering: chat messages into model text, with Hugging Face Jinja chat templates or the built-in ChatML,
 * Alpaca and Instruct formats, and the split into trainable (assistant) and prompt segments for loss masking.
 */
package io.tunestream.llm.prompt;
