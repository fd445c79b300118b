package io.tunestream.llm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Encodes text to ids and tokens, or decodes ids to text, with the model's tokenizer. */
@Command(name = "tokenize", description = "Encode text to token ids, or decode ids (--decode) to text.")
final class TokenizeCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "model directory with tokenizer.json")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--text", description = "text to encode")
        String text;

        @Option(names = "--decode", description = "token ids to decode, e.g. \"1 5 9\"")
        String ids;
    }

    @Option(
            names = "--no-special-tokens",
            description = "do not add bos/eos tokens when encoding; skip them when decoding")
    boolean noSpecialTokens;

    @Override
    public Integer call() throws Exception {
        try (Tokenizer tokenizer = Tokenizer.load(model)) {
            ObjectNode json = Json.MAPPER.createObjectNode();
            if (input.text != null) {
                int[] ids = tokenizer.encode(input.text, !noSpecialTokens);
                ArrayNode idArray = json.putArray("ids");
                ArrayNode tokens = json.putArray("tokens");
                for (int id : ids) {
                    idArray.add(id);
                    tokens.add(tokenizer.idToToken(id));
                }
                json.put("count", ids.length);
            } else {
                json.put("text", tokenizer.decode(Json.parseIds(input.ids), noSpecialTokens));
            }
            System.out.println(Json.MAPPER.writeValueAsString(json));
        }
        return 0;
    }
}
