package io.tunestream.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Every values.yaml of a chart and its subcharts, flattened to leaves such as {@code global.kafka.sasl.existingSecret}. */
final class ValuesFiles {

    private static final YAMLMapper YAML = new YAMLMapper();

    record Leaf(Path file, String path, String value) {}

    private ValuesFiles() {}

    static List<Leaf> leaves(Path chart) {
        try (Stream<Path> files = Files.walk(chart)) {
            List<Leaf> leaves = new ArrayList<>();
            files.filter(file -> file.getFileName().toString().equals("values.yaml"))
                    .forEach(file -> flatten(file, "", YAML.readTree(file.toFile()), leaves));
            return leaves;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void flatten(Path file, String path, JsonNode node, List<Leaf> leaves) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                flatten(file, path.isEmpty() ? field.getKey() : path + "." + field.getKey(), field.getValue(), leaves);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(file, path + "[" + i + "]", node.get(i), leaves);
            }
        } else {
            leaves.add(new Leaf(file, path, node.isNull() ? null : node.asString()));
        }
    }
}
