package io.tunestream.infra;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of a child JVM that must not outlive the process that started it, even when that process is killed
 * with SIGKILL and runs no shutdown hook. It watches the parent's pid and halts the JVM once the parent is gone, then
 * runs the real main class in the same JVM.
 *
 * <p>Usage: {@code java -cp infra.jar:server.jar io.tunestream.infra.ParentWatchdog <parent-pid> <main-class> [args...]}
 */
public final class ParentWatchdog {

    private static final long POLL_MILLIS = 500;

    private ParentWatchdog() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ParentWatchdog <parent-pid> <main-class> [args...]");
            System.exit(2);
        }
        long parentPid = Long.parseLong(args[0]);
        Thread watchdog = new Thread(() -> watch(parentPid), "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        Method main = Class.forName(args[1]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    }

    private static void watch(long parentPid) {
        while (ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
        // halt, not exit: the parent is gone, and a shutdown hook that blocks must not keep this orphan alive.
        Runtime.getRuntime().halt(0);
    }
}
