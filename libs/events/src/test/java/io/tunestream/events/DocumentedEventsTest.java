package io.tunestream.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Keeps docs/events.md true: every topic has a section, and every example in it is exactly a valid event. */
class DocumentedEventsTest {

    private static final Path DOCUMENT = Path.of("../../docs/events.md");
    private static final Pattern SECTION = Pattern.compile("^## `([a-z.-]+)`: `(\\w+)`$", Pattern.MULTILINE);
    private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)\\n```", Pattern.DOTALL);

    @Test
    void shouldDocumentEveryTopicWithItsEventClass() throws IOException {
        String document = Files.readString(DOCUMENT);
        List<String> documented = new ArrayList<>();
        Matcher section = SECTION.matcher(document);
        while (section.find()) {
            Topic topic = Topic.ofTopicName(section.group(1));
            assertThat(topic.eventClass().getSimpleName()).isEqualTo(section.group(2));
            documented.add(topic.topicName());
        }
        assertThat(documented)
                .containsExactly(
                        Arrays.stream(Topic.values()).map(Topic::topicName).toArray(String[]::new));
    }

    @Test
    void shouldHaveOnlyExamplesThatAreValidEventsOfTheirSection() throws IOException {
        String document = Files.readString(DOCUMENT);
        String[] sections = document.split("(?m)^## ");
        List<TunestreamEvent> examples = new ArrayList<>();
        for (String section : sections) {
            Matcher heading =
                    SECTION.matcher("## " + section.lines().findFirst().orElse(""));
            if (!heading.find()) {
                continue;
            }
            Class<? extends TunestreamEvent> type =
                    Topic.ofTopicName(heading.group(1)).eventClass();
            Matcher block = JSON_BLOCK.matcher(section);
            while (block.find()) {
                examples.add(EventJson.fromJson(block.group(1), type));
            }
        }
        assertThat(examples).containsExactlyElementsOf(ExampleEvents.all());
    }
}
