package io.tunestream.dataset.service;

import io.tunestream.platform.problem.InvalidRequestException;
import java.util.regex.Pattern;

/** Dataset and pipeline names become object keys and event subjects, so they are kept to a safe alphabet. */
final class Names {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

    private Names() {}

    static String require(String name, String field) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidRequestException(field + " must be 1-100 characters of a-z, 0-9, '.', '_' or '-', starting"
                    + " with a letter or digit; got " + (name == null ? "nothing" : "'" + name + "'"));
        }
        return name;
    }
}
