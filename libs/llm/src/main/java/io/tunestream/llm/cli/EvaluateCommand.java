package io.tunestream.llm.cli;

import io.tunestream.llm.evaluation.EvalItems;
import io.tunestream.llm.evaluation.EvalReport;
import io.tunestream.llm.evaluation.ExactMatchEvaluator;
import io.tunestream.llm.generation.GenerationScheduler;
import io.tunestream.llm.generation.SamplingParams;
import io.tunestream.llm.prompt.PromptTemplates;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Exact-match accuracy on held-out tasks (the {@code eval.jsonl} of make-tasks, or any Alpaca file with a
 * {@code family} field), per task family; with {@code --n} > 1, a majority vote over sampled answers.
 */
@Command(name = "evaluate", description = "Exact-match accuracy per task family on an eval set.")
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Hugging Face model directory with tokenizer files")
    Path model;

    @Option(names = "--data", required = true, description = "eval.jsonl with instruction, output and family")
    Path data;

    @Option(names = "--template", defaultValue = PromptTemplates.CHATML)
    String template;

    @Option(names = "--max-new-tokens", defaultValue = "32")
    int maxNewTokens;

    @Option(names = "--n", defaultValue = "1", description = "answers per question; > 1 votes (self-consistency)")
    int n;

    @Option(names = "--temperature", defaultValue = "0.7", description = "sampling temperature when --n > 1")
    double temperature;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Override
    public Integer call() throws Exception {
        try (LoadedModel loaded = LoadedModel.open(model);
                GenerationScheduler scheduler = loaded.scheduler(32)) {
            SamplingParams params = n > 1
                    ? SamplingParams.sampled(maxNewTokens, temperature, 1.0, seed)
                            .withN(n)
                    : SamplingParams.greedy(maxNewTokens);
            var tokenizer = loaded.requireTokenizer("evaluate");
            EvalReport report = new ExactMatchEvaluator(
                            scheduler, tokenizer, PromptTemplates.forTokenizer(tokenizer, template), params)
                    .evaluate(EvalItems.read(data));
            System.err.println(report.toTable());
            System.out.println(report.toJson());
        }
        return 0;
    }
}
