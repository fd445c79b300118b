package io.tunestream.llm.checkpoint;

/** A checkpoint that cannot be read, written or run; the message names the file, the tensor or key, and what is supported. */
public class CheckpointException extends RuntimeException {

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
