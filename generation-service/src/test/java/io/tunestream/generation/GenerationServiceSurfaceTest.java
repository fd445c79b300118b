package io.tunestream.generation;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.ServiceSurfaceContract;
import java.util.List;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
class GenerationServiceSurfaceTest extends ServiceSurfaceContract {

    @Override
    protected List<String> expectedReadinessChecks() {
        // Generation publishing: a generation the broker has not acknowledged is being sent again (not ready).
        return List.of(
                "Kafka connection health check",
                "SmallRye Reactive Messaging - readiness check",
                "Object store",
                "Generation publishing");
    }

    @Override
    protected String serviceName() {
        return "generation-service";
    }
}
