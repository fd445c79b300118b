package io.tunestream.llm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./tunestream llm <command>}: the engine from the command line, in the spirit of litgpt's CLI. */
@Command(
        name = "llm",
        mixinStandardHelpOptions = true,
        description = "Tunestream's engine: run, inspect and convert Llama/Qwen2 checkpoints, tokenize, make data.",
        subcommands = {
            GenerateCommand.class,
            ChatCommand.class,
            LogitsCommand.class,
            TokenizeCommand.class,
            InspectCommand.class,
            ConvertCommand.class,
            MakeTasksCommand.class,
            InitCommand.class,
            PretrainCommand.class,
            SftCommand.class,
            DpoCommand.class,
            MergeLoraCommand.class,
            EvaluateCommand.class,
            BenchCommand.class,
            BenchTrainingCommand.class,
            BenchQualityCommand.class,
            CommandLine.HelpCommand.class
        })
public final class LlmCommand {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new LlmCommand());
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            String message = exception.getMessage() != null ? exception.getMessage() : exception.toString();
            line.getErr().println("llm " + line.getCommandName() + ": " + message);
            return 1;
        });
        return commandLine;
    }
}
