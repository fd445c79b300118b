package io.tunestream.llm.data;

/**
 * One training example in one of the supported data formats. The implementations are the canonical, validated forms
 * that {@link DatasetReader} produces and {@link DatasetWriter} writes.
 */
public sealed interface DataRecord permits InstructionRecord, ConversationRecord, PreferenceRecord, TextRecord {

    /** The format this record belongs to. */
    DataFormat format();
}
