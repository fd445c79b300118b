package io.tunestream.registry.storage;

/** A file placed under a version's prefix: its path relative to the prefix, sha256 and size. */
public record StoredFile(String path, String sha256, long sizeBytes) {}
