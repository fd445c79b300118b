package io.tunestream.llm.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.prompt.ChatMessage;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Writes records as JSONL in UTF-8, one record per line, in their canonical JSON:
 * <ul>
 *   <li>instruction: {@code {"instruction": ..., "input": ..., "output": ...}}</li>
 *   <li>conversation: {@code {"messages": [{"role": ..., "content": ...}, ...]}}</li>
 *   <li>preference: {@code {"prompt": ..., "chosen": ..., "rejected": ...}}, with {@code "system"} first when set</li>
 *   <li>text: {@code {"text": ...}}</li>
 * </ul>
 * {@link DatasetReader} reads the output back to equal records.
 */
public final class DatasetWriter implements Closeable, Flushable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Writer out;
    private long count;

    private DatasetWriter(Writer out) {
        this.out = out;
    }

    /** Creates (or replaces) a JSONL file. */
    public static DatasetWriter create(Path file) throws IOException {
        return new DatasetWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /** Writes to a stream, which {@link #close()} closes. */
    public static DatasetWriter to(OutputStream out) {
        return new DatasetWriter(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)));
    }

    /** Appends one record as a line. */
    public void write(DataRecord record) throws IOException {
        writeLine(toJson(record));
    }

    /**
     * Appends one record with extra fields after the canonical ones, e.g. the task family of an evaluation example;
     * readers ignore fields their format does not use.
     *
     * @throws IllegalArgumentException if an extra field has the name of a canonical one
     */
    public void write(DataRecord record, Map<String, String> extraFields) throws IOException {
        ObjectNode json = toJson(record);
        // Checked before adding any, so a rejected record leaves nothing half-written.
        for (String name : extraFields.keySet()) {
            if (json.has(name)) {
                throw new IllegalArgumentException("extra field \"" + name + "\" would replace the "
                        + record.format().label() + " record's own field of that name");
            }
        }
        extraFields.forEach(json::put);
        writeLine(json);
    }

    /** The records written so far. */
    public long count() {
        return count;
    }

    private void writeLine(ObjectNode json) throws IOException {
        // Jackson escapes line breaks inside strings, so each record stays on one line.
        out.write(MAPPER.writeValueAsString(json));
        out.write('\n');
        count++;
    }

    /** A record's canonical JSON object. */
    public static ObjectNode toJson(DataRecord record) {
        Objects.requireNonNull(record, "record");
        ObjectNode json = MAPPER.createObjectNode();
        if (record instanceof InstructionRecord instruction) {
            json.put("instruction", instruction.instruction())
                    .put("input", instruction.input())
                    .put("output", instruction.output());
        } else if (record instanceof ConversationRecord conversation) {
            ArrayNode messages = json.putArray("messages");
            for (ChatMessage message : conversation.messages()) {
                messages.addObject().put("role", message.role()).put("content", message.content());
            }
        } else if (record instanceof PreferenceRecord preference) {
            if (!preference.system().isEmpty()) {
                json.put("system", preference.system());
            }
            json.put("prompt", preference.prompt())
                    .put("chosen", preference.chosen())
                    .put("rejected", preference.rejected());
        } else {
            // The last permitted type of the sealed interface.
            json.put("text", ((TextRecord) record).text());
        }
        return json;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
