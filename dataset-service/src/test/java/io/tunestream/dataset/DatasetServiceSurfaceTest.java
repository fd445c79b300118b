package io.tunestream.dataset;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import io.tunestream.testing.ServiceSurfaceContract;
import java.util.List;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DatasetServiceSurfaceTest extends ServiceSurfaceContract {

    @Override
    protected List<String> expectedReadinessChecks() {
        return List.of(
                "Database connections health check",
                "Kafka connection health check",
                "SmallRye Reactive Messaging - readiness check",
                "Object store");
    }

    @Override
    protected String serviceName() {
        return "dataset-service";
    }
}
