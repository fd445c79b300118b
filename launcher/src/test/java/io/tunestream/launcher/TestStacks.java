package io.tunestream.launcher;

import io.tunestream.infra.Ports;
import io.tunestream.infra.PostgresAdmin;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Stacks for tests: free ports and fresh database names beside any stack a developer runs, and their clean-up. */
final class TestStacks {

    private TestStacks() {}

    /** Settings on free ports, with database names under a fresh {@code <label>_<random>_} prefix. */
    static StackSettings freeSettings(String label) {
        Map<String, Integer> services = new LinkedHashMap<>();
        for (String module : StackSettings.defaults().servicePorts().keySet()) {
            services.put(module, Ports.freePort());
        }
        String prefix =
                label + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
        return new StackSettings(Ports.freePort(), Ports.freePort(), Ports.freePort(), services, prefix);
    }

    /** Stops what the stack started (if any) and drops its databases. */
    static void tearDown(Stack stack, PostgresAdmin postgres, StackSettings settings) {
        if (stack != null) {
            stack.down();
        }
        if (postgres.isRunning()) {
            for (String owner : Stack.DATABASE_OWNERS) {
                postgres.dropDatabase(settings.databaseName(owner), settings.databaseName(owner));
            }
        }
    }
}
