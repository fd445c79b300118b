package io.tunestream.platform.rest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.lang.reflect.Type;
import java.util.function.BiFunction;

/**
 * Reads a request body refusing the fields its type does not have, for a resource method annotated
 * {@code @CustomDeserialization(StrictBody.class)}: a misspelt or unsupported field ({@code "everyNwe"},
 * {@code "seeds"}) is answered 400 naming it ({@code ProblemResponses.unreadableBody}) instead of being dropped
 * silently while the request succeeds with a default.
 *
 * <p>Per method, not the service-wide {@code quarkus.jackson.fail-on-unknown-properties}: that setting is shared with
 * the service's REST clients, which must keep reading answers that gained fields (forward compatibility), and with
 * free-form members ({@code JsonNode} hyperparameters) that are checked where they are used.
 */
public class StrictBody implements BiFunction<ObjectMapper, Type, ObjectReader> {

    @Override
    public ObjectReader apply(ObjectMapper mapper, Type type) {
        return mapper.readerFor(mapper.constructType(type)).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
