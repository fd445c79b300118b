package io.tunestream.launcher;

/** A failure the user can act on; the CLI prints its message without a stack trace. */
final class LauncherException extends RuntimeException {

    LauncherException(String message) {
        super(message);
    }
}
