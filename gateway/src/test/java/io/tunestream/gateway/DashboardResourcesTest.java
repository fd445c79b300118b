package io.tunestream.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tunestream.testing.PostgresResource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's static files and the API as a browser fetches them: compressed when the browser accepts it (but
 * never a stream of server-sent events), the webjar cached for good, the dashboard's own files revalidated.
 */
@QuarkusTest
@WithTestResource(ServiceStandIns.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AdminKeyResource.class)
class DashboardResourcesTest {

    private static final String ECHARTS = "webjars/echarts/5.3.1/dist/echarts.min.js";

    @TestHTTPResource("/")
    URI root;

    @Test
    void shouldServeThePageWithoutAKeyAndHaveItRevalidated() {
        Response page = given().header("Accept-Encoding", "gzip")
                .when()
                .get("/")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .header("Cache-Control", equalTo("no-cache"))
                .header("Content-Encoding", equalTo("gzip"))
                .body(containsString("<script type=\"module\" src=\"/js/app.js\"></script>"))
                .extract()
                .response();
        String lastModified = page.header("Last-Modified");
        assertThat(lastModified).as("a validator to revalidate with").isNotBlank();
        given().header("If-Modified-Since", lastModified)
                .when()
                .get("/")
                .then()
                .statusCode(304)
                .header("Cache-Control", equalTo("no-cache"));
        given().when().get("/js/app.js").then().statusCode(200).header("Cache-Control", equalTo("no-cache"));
    }

    @Test
    void shouldCacheTheVersionedWebjarForAYearAndCompressIt() throws Exception {
        given().header("Accept-Encoding", "gzip")
                .when()
                .get("/" + ECHARTS)
                .then()
                .statusCode(200)
                .header("Cache-Control", equalTo("public, max-age=31536000, immutable"))
                .header("Content-Encoding", equalTo("gzip"))
                .body(containsString("echarts"));
        // A client that does not ask for compression gets the file as it is (RestAssured always asks, so plain HTTP).
        HttpResponse<String> plain = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(root.resolve(ECHARTS)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(plain.body()).contains("echarts");
    }

    @Test
    void shouldCompressAnApiAnswerButPassServerSentEventsAsTheyCome() {
        String key = TestKeys.create(Map.of("name", "dashboard", "scopes", List.of("read"), "requestsPerSecond", 1000));
        given().auth()
                .oauth2(key)
                .header("Accept-Encoding", "gzip")
                .when()
                .get("/api/v1/models/qa/versions/2")
                .then()
                .statusCode(200)
                .header("Content-Encoding", equalTo("gzip"))
                .header("Cache-Control", nullValue())
                .body("service", equalTo("registry"));
        given().auth()
                .oauth2(key)
                .header("Accept-Encoding", "gzip")
                .when()
                .get("/api/v1/jobs/job-7/progress")
                .then()
                .statusCode(200)
                .contentType(containsString("text/event-stream"))
                .header("Content-Encoding", not(equalTo("gzip")))
                .body(containsString("data:{\"state\":\"SUCCEEDED\"}"));
    }
}
