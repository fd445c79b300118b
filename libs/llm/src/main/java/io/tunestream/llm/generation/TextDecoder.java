package io.tunestream.llm.generation;

/** Turns generated ids into text (a tokenizer's decode, skipping special tokens). */
@FunctionalInterface
public interface TextDecoder {

    String decode(int[] ids);
}
