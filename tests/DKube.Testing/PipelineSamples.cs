namespace DKube.Testing;

/// <summary>Compiled KFP v2 pipelines the grain and HTTP tests run as real processes.</summary>
public static class PipelineSamples
{
    /// <summary>
    /// produce (a dataset of its text twice, a count typed NUMBER_INTEGER) -> consume (counts the
    /// dataset's lines, writes a model: the dataset and "n=count") -> report (runs when the count is
    /// 2: the line count and the model's last line). <paramref name="marks"/>: a folder where each
    /// task appends a line to a file named after its run (how tests count starts).
    /// <paramref name="sleep"/>: seconds produce sleeps. <paramref name="gate"/>: consume waits for
    /// the file the run's <c>gate</c> parameter names (a test makes it: consume is certainly running
    /// until then). <paramref name="cache"/>: produce and consume enable KFP's cache.
    /// </summary>
    public static string ThreeSteps(string? marks = null, string sleep = "0", bool gate = false, bool cache = false)
    {
        var mark = marks is null ? "" : $"echo run >> {marks}/\"$DKUBE_RUN_ID\"; ";
        var wait = gate ? "while [ ! -e \"$4\" ]; do sleep 0.2; done; " : "";
        var gateArg = gate ? ", \"{{$.inputs.parameters['gate']}}\"" : "";
        var gateInput = gate ? ", gate: {parameterType: STRING}" : "";
        var gateRoot = gate ? ", gate: {parameterType: STRING}" : "";
        var gateTask = gate ? "\n            gate: {componentInputParameter: gate}" : "";
        var caching = cache ? "\n        cachingOptions: {enableCache: true}" : "";
        return """
            pipelineInfo: {name: three-steps}
            deploymentSpec:
              executors:
                exec-produce:
                  container:
                    image: alpine
                    command: [sh, -c, '@MARK@sleep @SLEEP@; printf "%s\n" "$0" "$0" > "$1"; echo 2 > "$2"']
                    args: ["{{$.inputs.parameters['text']}}", "{{$.outputs.artifacts['data'].path}}", "{{$.outputs.parameters['count'].output_file}}"]
                exec-consume:
                  container:
                    image: alpine
                    command: [sh, -c, '@MARK@@WAIT@wc -l < "$0" | tr -d " " > "$2"; cat "$0" > "$3"; echo "n=$1" >> "$3"']
                    args: ["{{$.inputs.artifacts['data'].path}}", "{{$.inputs.parameters['n']}}", "{{$.outputs.parameters['lines'].output_file}}", "{{$.outputs.artifacts['model'].path}}"@GATEARG@]
                exec-report:
                  container:
                    image: alpine
                    command: [sh, -c, '@MARK@echo "$0 lines; $(tail -n 1 "$1")" > "$2"']
                    args: ["{{$.inputs.parameters['lines']}}", "{{$.inputs.artifacts['model'].path}}", "{{$.outputs.parameters['summary'].output_file}}"]
            components:
              comp-produce:
                executorLabel: exec-produce
                inputDefinitions: {parameters: {text: {parameterType: STRING}}}
                outputDefinitions:
                  parameters: {count: {parameterType: NUMBER_INTEGER}}
                  artifacts: {data: {artifactType: {schemaTitle: system.Dataset}}}
              comp-consume:
                executorLabel: exec-consume
                inputDefinitions:
                  parameters: {n: {parameterType: NUMBER_INTEGER}@GATEINPUT@}
                  artifacts: {data: {artifactType: {schemaTitle: system.Dataset}}}
                outputDefinitions:
                  parameters: {lines: {parameterType: STRING}}
                  artifacts: {model: {artifactType: {schemaTitle: system.Model}}}
              comp-report:
                executorLabel: exec-report
                inputDefinitions:
                  parameters: {lines: {parameterType: STRING}, n: {parameterType: NUMBER_INTEGER}}
                  artifacts: {model: {artifactType: {schemaTitle: system.Model}}}
                outputDefinitions:
                  parameters: {summary: {parameterType: STRING}}
            root:
              inputDefinitions: {parameters: {text: {parameterType: STRING, defaultValue: hello}@GATEROOT@}}
              dag:
                tasks:
                  produce:
                    componentRef: {name: comp-produce}@CACHING@
                    inputs: {parameters: {text: {componentInputParameter: text}}}
                  consume:
                    componentRef: {name: comp-consume}@CACHING@
                    dependentTasks: [produce]
                    inputs:
                      parameters:
                        n: {taskOutputParameter: {producerTask: produce, outputParameterKey: count}}@GATETASK@
                      artifacts: {data: {taskOutputArtifact: {producerTask: produce, outputArtifactKey: data}}}
                  report:
                    componentRef: {name: comp-report}
                    dependentTasks: [consume, produce]
                    triggerPolicy: {condition: "int(inputs.parameter_values['n']) == 2"}
                    inputs:
                      parameters:
                        lines: {taskOutputParameter: {producerTask: consume, outputParameterKey: lines}}
                        n: {taskOutputParameter: {producerTask: produce, outputParameterKey: count}}
                      artifacts: {model: {taskOutputArtifact: {producerTask: consume, outputArtifactKey: model}}}
            """
            .Replace("@MARK@", mark, StringComparison.Ordinal)
            .Replace("@SLEEP@", sleep, StringComparison.Ordinal)
            .Replace("@WAIT@", wait, StringComparison.Ordinal)
            .Replace("@GATEARG@", gateArg, StringComparison.Ordinal)
            .Replace("@GATEINPUT@", gateInput, StringComparison.Ordinal)
            .Replace("@GATEROOT@", gateRoot, StringComparison.Ordinal)
            .Replace("@GATETASK@", gateTask, StringComparison.Ordinal)
            .Replace("@CACHING@", caching, StringComparison.Ordinal);
    }
}
