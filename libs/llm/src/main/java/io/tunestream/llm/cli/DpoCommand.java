package io.tunestream.llm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.data.DataFormat;
import io.tunestream.llm.data.DatasetReader;
import io.tunestream.llm.data.ParsedRecord;
import io.tunestream.llm.data.PreferenceRecord;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.prompt.PromptTemplates;
import io.tunestream.llm.tokenizer.Tokenizer;
import io.tunestream.llm.training.DpoLossType;
import io.tunestream.llm.training.DpoSettings;
import io.tunestream.llm.training.FineTuneSpec;
import io.tunestream.llm.training.FineTuning;
import io.tunestream.llm.training.PreferenceExample;
import io.tunestream.llm.training.StepMetrics;
import io.tunestream.llm.training.TrainingData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Direct preference optimisation on prompt/chosen/rejected records; the reference is the starting model. */
@Command(name = "dpo", description = "DPO on preference records (LoRA by default, --full for every weight).")
final class DpoCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Hugging Face model directory with tokenizer files")
    Path model;

    @Option(names = "--template", defaultValue = PromptTemplates.CHATML)
    String template;

    @Option(names = "--beta", defaultValue = "0.1")
    double beta;

    @Option(names = "--loss-type", defaultValue = "sigmoid", description = "sigmoid, ipo or hinge")
    String lossType;

    @Option(names = "--label-smoothing", defaultValue = "0")
    double labelSmoothing;

    @Option(names = "--nll-weight", defaultValue = "0", description = "weight of an NLL term on the chosen answers")
    double nllWeight;

    @Option(names = "--max-prompt-length", defaultValue = "512")
    int maxPromptLength;

    @Mixin
    TrainingOptions options;

    @Mixin
    LoraOptions lora;

    @Override
    public Integer call() throws Exception {
        Inference.disableGradientsOnThisThread();
        DpoSettings dpo = new DpoSettings(beta, DpoLossType.parse(lossType), labelSmoothing, nllWeight);
        try (LlamaModel llama = LlamaModel.load(model);
                Tokenizer tokenizer = Tokenizer.load(model)) {
            TrainingData data = new TrainingData(tokenizer, PromptTemplates.forTokenizer(tokenizer, template));
            List<PreferenceExample> pairs = pairs(data, options.data);
            List<PreferenceExample> eval = options.evalData == null ? List.of() : pairs(data, options.evalData);
            FineTuneSpec spec =
                    options.spec(FineTuneSpec.Recipe.DPO, lora.method()).withDpo(dpo);
            ObjectNode run = Json.MAPPER
                    .createObjectNode()
                    .put("command", "dpo")
                    .put("model", model.toString())
                    .put("data", options.data.toString())
                    .put("pairs", pairs.size());
            run.set("settings", Json.MAPPER.valueToTree(spec.settings()));
            run.set("dpo", Json.MAPPER.valueToTree(dpo));
            FineTuning<PreferenceExample> tuning = FineTuning.<PreferenceExample>of(
                            spec, llama, tokenizer.padTokenId().orElse(0))
                    .setup();
            StepMetrics last = new TrainingRun(options, run)
                    .train(tuning, pairs, eval, model, model.toString())
                    .last();
            ObjectNode result = Json.MAPPER
                    .createObjectNode()
                    .put("out", options.out.toAbsolutePath().toString())
                    .put("final_loss", last.loss());
            last.metrics().forEach(result::put);
            System.out.println(Json.MAPPER.writeValueAsString(result));
        }
        return 0;
    }

    private List<PreferenceExample> pairs(TrainingData data, Path file) throws java.io.IOException {
        List<PreferenceExample> pairs = new ArrayList<>();
        try (DatasetReader reader = DatasetReader.open(file, DataFormat.PREFERENCE)) {
            for (ParsedRecord parsed : reader) {
                pairs.add(data.preference((PreferenceRecord) parsed.record(), options.maxLength, maxPromptLength));
            }
        }
        return pairs;
    }
}
