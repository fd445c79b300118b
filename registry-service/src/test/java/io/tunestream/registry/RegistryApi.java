package io.tunestream.registry;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/** The registry's REST API as the tests call it. */
public final class RegistryApi {

    private RegistryApi() {
    }

    /** Uploads every file of {@code directory} as a multipart part to {@code POST /models/{model}/import}. */
    public static ValidatableResponse importUpload(String model, Path directory) {
        RequestSpecification request = given();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                request = request.multiPart("file", file.toFile(), "application/octet-stream");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return request.when().post("/models/{model}/import", model).then();
    }

    public static ValidatableResponse get(String path, Object... parameters) {
        return given().when().get(path, parameters).then();
    }

    public static ValidatableResponse post(Object body, String path, Object... parameters) {
        return given().contentType(ContentType.JSON).body(body).when().post(path, parameters).then();
    }

    public static ValidatableResponse put(Object body, String path, Object... parameters) {
        return given().contentType(ContentType.JSON).body(body).when().put(path, parameters).then();
    }

    public static void setPolicy(String model, String mode, double margin) {
        put(Map.of("mode", mode, "margin", margin), "/models/{model}/policy", model).statusCode(200);
    }
}
