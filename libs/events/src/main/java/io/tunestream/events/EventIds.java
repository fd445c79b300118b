package io.tunestream.events;

import java.util.UUID;

/** Event ids: random UUIDs, unique per published event. */
public final class EventIds {

    private EventIds() {}

    public static String next() {
        return UUID.randomUUID().toString();
    }
}
