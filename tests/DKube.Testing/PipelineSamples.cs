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

    /// <summary>
    /// A pipeline of DKube's own components as the KFP v2 compiler writes one that loaded DKube's
    /// <c>components/{preprocess,training,serving}/component.yaml</c> (image <c>ocdr/dkubepl</c>,
    /// command <c>[dkubepl]</c>, the subcommand and <c>--flag value</c> args; component and executor
    /// named after DKube's component names): dkube-preprocess (dataset <paramref name="raw"/> at
    /// <c>/opt/dkube/input</c> -> dataset <paramref name="clean"/> at <c>/opt/dkube/output</c>) ->
    /// dkube-training (dataset <paramref name="clean"/> -> model <paramref name="model"/>) ->
    /// dkube-serving (the model version training made, from its <c>artifact</c> output).
    /// <paramref name="program"/> is the code repo of both runs ("" for none), the scripts their
    /// <c>run_script</c>, <paramref name="servingImage"/> the serving step's <c>serving_image</c> JSON.
    /// </summary>
    public static string DkubeTrainServe(string program, string raw, string clean, string model, string preprocessScript, string trainScript, string servingImage)
    {
        static string Q(string text) => System.Text.Json.JsonSerializer.Serialize(text);
        const string Lists = """
                  datasets: {parameterType: LIST, defaultValue: [], isOptional: true}
                  input_dataset_mounts: {parameterType: LIST, defaultValue: [], isOptional: true}
                  input_dataset_versions: {parameterType: LIST, defaultValue: [], isOptional: true}
                  input_featureset_mounts: {parameterType: LIST, defaultValue: [], isOptional: true}
                  input_featureset_versions: {parameterType: LIST, defaultValue: [], isOptional: true}
                  models: {parameterType: LIST, defaultValue: [], isOptional: true}
                  input_model_mounts: {parameterType: LIST, defaultValue: [], isOptional: true}
                  input_model_versions: {parameterType: LIST, defaultValue: [], isOptional: true}
                  outputs: {parameterType: LIST, defaultValue: [], isOptional: true}
                  output_mounts: {parameterType: LIST, defaultValue: [], isOptional: true}
                  auth_token: {parameterType: STRING}
                  container: {parameterType: STRUCT}
                  program: {parameterType: STRING, defaultValue: '', isOptional: true}
                  commit_id: {parameterType: STRING, defaultValue: '', isOptional: true}
                  run_script: {parameterType: STRING, defaultValue: '', isOptional: true}
                  ngpus: {parameterType: NUMBER_INTEGER, defaultValue: 0, isOptional: true}
                  config: {parameterType: STRING, defaultValue: '', isOptional: true}
                  envs: {parameterType: LIST, defaultValue: [], isOptional: true}
                  access_url: {parameterType: STRING, defaultValue: '', isOptional: true}
                  job_group: {parameterType: STRING, defaultValue: default, isOptional: true}
                  tags: {parameterType: LIST, defaultValue: [], isOptional: true}
        """;
        const string RunArgs = """
        --accessurl, "{{$.inputs.parameters['access_url']}}", --token, "{{$.inputs.parameters['auth_token']}}",
                      --container, "{{$.inputs.parameters['container']}}", --script, "{{$.inputs.parameters['run_script']}}",
                      --program, "{{$.inputs.parameters['program']}}", --commit_id, "{{$.inputs.parameters['commit_id']}}",
                      --datasets, "{{$.inputs.parameters['datasets']}}", --input_dataset_mounts, "{{$.inputs.parameters['input_dataset_mounts']}}",
                      --input_dataset_versions, "{{$.inputs.parameters['input_dataset_versions']}}",
                      --input_featureset_mounts, "{{$.inputs.parameters['input_featureset_mounts']}}",
                      --input_featureset_versions, "{{$.inputs.parameters['input_featureset_versions']}}",
                      --models, "{{$.inputs.parameters['models']}}", --input_model_mounts, "{{$.inputs.parameters['input_model_mounts']}}",
                      --input_model_versions, "{{$.inputs.parameters['input_model_versions']}}",
                      --outputs, "{{$.inputs.parameters['outputs']}}", --output_mounts, "{{$.inputs.parameters['output_mounts']}}",
                      --ngpus, "{{$.inputs.parameters['ngpus']}}", --config, "{{$.inputs.parameters['config']}}",
                      --envs, "{{$.inputs.parameters['envs']}}", --job_group, "{{$.inputs.parameters['job_group']}}",
                      --tags, "{{$.inputs.parameters['tags']}}"
        """;
        return $$$"""
            # PIPELINE DEFINITION
            # Name: dkube-train-serve
            components:
              comp-dkube-preprocess:
                executorLabel: exec-dkube-preprocess
                inputDefinitions:
                  parameters:
            {{{Lists}}}
                      input_featuresets: {parameterType: LIST, defaultValue: [], isOptional: true}
                      output_featuresets: {parameterType: LIST, isOptional: true}
                      output_featureset_mounts: {parameterType: LIST, isOptional: true}
                outputDefinitions:
                  parameters:
                    artifact: {parameterType: STRING}
                    rundetails: {parameterType: STRING}
              comp-dkube-training:
                executorLabel: exec-dkube-training
                inputDefinitions:
                  parameters:
            {{{Lists}}}
                      featuresets: {parameterType: LIST, defaultValue: [], isOptional: true}
                      nworkers: {parameterType: NUMBER_INTEGER, defaultValue: 0, isOptional: true}
                      auto_distribute: {parameterType: STRING, defaultValue: 'false', isOptional: true}
                      tuning: {parameterType: STRING, defaultValue: '', isOptional: true}
                      gdrdma: {parameterType: STRING, defaultValue: 'false', isOptional: true}
                      framework: {parameterType: STRING}
                      version: {parameterType: STRING}
                outputDefinitions:
                  parameters:
                    artifact: {parameterType: STRING}
                    rundetails: {parameterType: STRING}
              comp-dkube-serving:
                executorLabel: exec-dkube-serving
                inputDefinitions:
                  parameters:
                    auth_token: {parameterType: STRING}
                    model: {parameterType: STRING}
                    model_version: {parameterType: STRING, isOptional: true}
                    device: {parameterType: STRING, defaultValue: cpu, isOptional: true}
                    access_url: {parameterType: STRING, defaultValue: '', isOptional: true}
                    serving_image: {parameterType: STRUCT}
                    transformer_image: {parameterType: STRUCT, isOptional: true}
                    transformer_project: {parameterType: STRING, isOptional: true}
                    transformer_code: {parameterType: STRING, isOptional: true}
                    transformer_commit_id: {parameterType: STRING, isOptional: true}
                outputDefinitions:
                  parameters:
                    rundetails: {parameterType: STRING}
                    servingurl: {parameterType: STRING}
            deploymentSpec:
              executors:
                exec-dkube-preprocess:
                  container:
                    image: ocdr/dkubepl:2.2.1.10
                    command: [dkubepl]
                    args: [preprocess, {{{RunArgs}}},
                      --input_featuresets, "{{$.inputs.parameters['input_featuresets']}}",
                      --output_featuresets, "{{$.inputs.parameters['output_featuresets']}}",
                      --output_featureset_mounts, "{{$.inputs.parameters['output_featureset_mounts']}}",
                      --runid, '{{pod.name}}', --wfid, '{{workflow.uid}}']
                exec-dkube-training:
                  container:
                    image: ocdr/dkubepl:2.2.1.10
                    command: [dkubepl]
                    args: [training, {{{RunArgs}}},
                      --input_featuresets, "{{$.inputs.parameters['featuresets']}}",
                      --nworkers, "{{$.inputs.parameters['nworkers']}}", --auto, "{{$.inputs.parameters['auto_distribute']}}",
                      --tuning, "{{$.inputs.parameters['tuning']}}", --gdrdma, "{{$.inputs.parameters['gdrdma']}}",
                      --framework, "{{$.inputs.parameters['framework']}}", --version, "{{$.inputs.parameters['version']}}",
                      --runid, '{{pod.name}}', --wfid, '{{workflow.uid}}']
                exec-dkube-serving:
                  container:
                    image: ocdr/dkubepl:2.2.1.4
                    command: [dkubepl]
                    args: [serving, --accessurl, "{{$.inputs.parameters['access_url']}}", --token, "{{$.inputs.parameters['auth_token']}}",
                      --model, "{{$.inputs.parameters['model']}}", --model_version, "{{$.inputs.parameters['model_version']}}",
                      --device, "{{$.inputs.parameters['device']}}", --serving_image, "{{$.inputs.parameters['serving_image']}}",
                      --transformer_image, "{{$.inputs.parameters['transformer_image']}}",
                      --transformer_project, "{{$.inputs.parameters['transformer_project']}}",
                      --transformer_code, "{{$.inputs.parameters['transformer_code']}}",
                      --transformer_commit_id, "{{$.inputs.parameters['transformer_commit_id']}}",
                      --runid, '{{pod.name}}', --wfid, '{{workflow.uid}}']
            pipelineInfo:
              name: dkube-train-serve
              description: DKube's own steps, preprocessing to serving
            root:
              dag:
                tasks:
                  dkube-preprocess:
                    cachingOptions: {enableCache: true}
                    componentRef: {name: comp-dkube-preprocess}
                    inputs:
                      parameters:
                        auth_token: {componentInputParameter: token}
                        container: {runtimeValue: {constant: {image: 'ocdr/d3-datascience-sklearn:v0.23.2-1'} } }
                        program: {runtimeValue: {constant: {{{Q(program)}}} } }
                        run_script: {runtimeValue: {constant: {{{Q(preprocessScript)}}} } }
                        datasets: {runtimeValue: {constant: [{{{Q(raw)}}}] } }
                        input_dataset_mounts: {runtimeValue: {constant: [/opt/dkube/input]}}
                        outputs: {runtimeValue: {constant: [{{{Q(clean)}}}] } }
                        output_mounts: {runtimeValue: {constant: [/opt/dkube/output]}}
                    taskInfo: {name: dkube-preprocess}
                  dkube-training:
                    cachingOptions: {enableCache: true}
                    componentRef: {name: comp-dkube-training}
                    dependentTasks: [dkube-preprocess]
                    inputs:
                      parameters:
                        auth_token: {componentInputParameter: token}
                        container: {runtimeValue: {constant: {image: 'ocdr/d3-datascience-sklearn:v0.23.2-1'} } }
                        framework: {runtimeValue: {constant: sklearn}}
                        version: {runtimeValue: {constant: '0.23.2'}}
                        program: {runtimeValue: {constant: {{{Q(program)}}} } }
                        run_script: {runtimeValue: {constant: {{{Q(trainScript)}}} } }
                        datasets: {runtimeValue: {constant: [{{{Q(clean)}}}] } }
                        input_dataset_mounts: {runtimeValue: {constant: [/opt/dkube/input]}}
                        outputs: {runtimeValue: {constant: [{{{Q(model)}}}] } }
                        output_mounts: {runtimeValue: {constant: [/opt/dkube/output]}}
                        envs: {runtimeValue: {constant: [{EPOCHS: '5'}]}}
                    taskInfo: {name: dkube-training}
                  dkube-serving:
                    cachingOptions: {enableCache: true}
                    componentRef: {name: comp-dkube-serving}
                    dependentTasks: [dkube-training]
                    inputs:
                      parameters:
                        auth_token: {componentInputParameter: token}
                        model: {taskOutputParameter: {producerTask: dkube-training, outputParameterKey: artifact}}
                        device: {runtimeValue: {constant: cpu}}
                        serving_image: {runtimeValue: {constant: {{{servingImage}}} } }
                    taskInfo: {name: dkube-serving}
              inputDefinitions:
                parameters:
                  token: {parameterType: STRING, defaultValue: not-used-here, isOptional: true}
            schemaVersion: 2.1.0
            sdkVersion: kfp-2.7.0
            """;
    }
}
