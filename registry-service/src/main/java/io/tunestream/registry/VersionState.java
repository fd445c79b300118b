package io.tunestream.registry;

/** Where a version's registration stands. */
public enum VersionState {
    /** The number is reserved and the files are being placed under {@code models/{model}/{version}/}. */
    PENDING,
    /** Every file is in place and verified; the version can be promoted and downloaded. */
    READY
}
