package io.tunestream.generation.service;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which loaded models stay in memory: each counts its size, the least recently used are evicted when a newly loaded
 * one takes the total over the budget. Pure bookkeeping (not thread-safe; its owner locks), so the policy is tested
 * without models. A model larger than the whole budget still loads, alone: a service that cannot serve its one
 * requested model helps nobody.
 */
final class ResidentModels {

    private final long budgetBytes;
    /** Access order: the first entry is the least recently used. */
    private final LinkedHashMap<String, Long> sizes = new LinkedHashMap<>(16, 0.75f, true);

    private long usedBytes;

    ResidentModels(long budgetBytes) {
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("the memory budget must be positive, got " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    /** Takes in a loaded model; returns the keys to evict (least recently used first), never {@code key} itself. */
    List<String> admit(String key, long bytes) {
        Long previous = sizes.put(key, bytes);
        usedBytes += bytes - (previous == null ? 0 : previous);
        List<String> evicted = new ArrayList<>();
        Iterator<Map.Entry<String, Long>> eldest = sizes.entrySet().iterator();
        while (usedBytes > budgetBytes && eldest.hasNext()) {
            Map.Entry<String, Long> entry = eldest.next();
            if (!entry.getKey().equals(key)) {
                usedBytes -= entry.getValue();
                evicted.add(entry.getKey());
                eldest.remove();
            }
        }
        return evicted;
    }

    /** Marks a model as just used. */
    void touch(String key) {
        sizes.get(key);
    }

    void remove(String key) {
        Long size = sizes.remove(key);
        if (size != null) {
            usedBytes -= size;
        }
    }

    long usedBytes() {
        return usedBytes;
    }
}
