package io.tunestream.llm.cli;

import io.tunestream.llm.checkpoint.DType;
import io.tunestream.llm.lora.LoraMerge;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Folds a PEFT LoRA adapter into its base (W + scale B A) and writes a Hugging Face checkpoint. */
@Command(name = "merge-lora", description = "Merge a LoRA adapter into its base model.")
final class MergeLoraCommand implements Callable<Integer> {

    @Option(names = "--base", required = true, description = "base Hugging Face model directory")
    Path base;

    @Option(names = "--adapter", required = true, description = "PEFT adapter directory")
    Path adapter;

    @Option(names = "--out", required = true, description = "merged model directory")
    Path out;

    @Option(names = "--dtype", defaultValue = "f32", description = "f32 or bf16")
    String dtype;

    @Override
    public Integer call() throws Exception {
        DType storedAs = Json.writableDType(dtype);
        LoraMerge.mergeToCheckpoint(base, adapter, out, storedAs);
        System.out.println(Json.MAPPER.writeValueAsString(Json.MAPPER
                .createObjectNode()
                .put("out", out.toAbsolutePath().toString())
                .put("dtype", storedAs.name())));
        return 0;
    }
}
