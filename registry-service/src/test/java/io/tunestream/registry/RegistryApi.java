package io.tunestream.registry;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/** The registry's REST API as the tests call it. */
public final class RegistryApi {

    private RegistryApi() {}

    /** Uploads every file of {@code directory} as a multipart part to {@code POST /models/{model}/import}. */
    public static ValidatableResponse importUpload(String model, Path directory) {
        RequestSpecification request = given();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                request = request.multiPart("file", file.toFile(), "application/octet-stream");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return request.when().post("/models/{model}/import", model).then();
    }

    /** Imports the scratch checkpoint ({@link ModelFixture#checkpoint()}) as {@code model}. */
    public static ValidatableResponse importCheckpoint(String model) {
        return importUpload(model, ModelFixture.checkpoint());
    }

    /** Imports the scratch checkpoint as a new model (version 1, in production) and returns the model's name. */
    public static String importBaseModel() {
        String model = ModelFixture.newModelName();
        importCheckpoint(model).statusCode(201);
        return model;
    }

    public static ValidatableResponse get(String path, Object... parameters) {
        return given().when().get(path, parameters).then();
    }

    public static ValidatableResponse post(Object body, String path, Object... parameters) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post(path, parameters)
                .then();
    }

    public static ValidatableResponse put(Object body, String path, Object... parameters) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .put(path, parameters)
                .then();
    }

    public static void setPolicy(String model, String mode, double margin) {
        put(Map.of("mode", mode, "margin", margin), "/models/{model}/policy", model)
                .statusCode(200);
    }

    /** An automatic policy that measures candidates on {@code dataset/version} with the default alpha and tolerance. */
    public static void setEvaluationPolicy(String model, String dataset, int version) {
        put(
                        Map.of(
                                "mode",
                                "automatic",
                                "margin",
                                0.0,
                                "evaluationSet",
                                Map.of("dataset", dataset, "version", version)),
                        "/models/{model}/policy",
                        model)
                .statusCode(200);
    }
}
