package io.tunestream.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on the stack's state directory for the length of an {@code up} or {@code down}, so that two
 * launchers never start twins or stop each other's processes half-way. The operating system releases it when the
 * launcher dies.
 */
final class LauncherLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private LauncherLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static LauncherLock acquire(StackLayout layout) {
        Path file = StackLayout.createDirectories(layout.home().resolve("run")).resolve("launcher.lock");
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new LauncherException(
                        "another ./tunestream up or down is working on " + layout.home() + "; wait for it to finish");
            }
            return new LauncherLock(channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the launcher lock", e);
        }
    }
}
