namespace DKube.Pipelines.Tests;

public sealed class ValidationTests
{
    private const string Header = """
        pipelineInfo:
          name: p
        deploymentSpec:
          executors:
            exec-step:
              container:
                image: alpine
                command: [echo, '{{$.inputs.parameters[''x'']}}']
        components:
          comp-step:
            executorLabel: exec-step
            inputDefinitions:
              parameters:
                x: {parameterType: STRING, isOptional: true, defaultValue: ''}
            outputDefinitions:
              parameters:
                y: {parameterType: STRING}
        """;

    private static PipelineSpecException Reject(string tasks) =>
        Assert.Throws<PipelineSpecException>(() => KfpParser.Parse(Header + "\nroot:\n  dag:\n    tasks:\n" + tasks));

    [Fact]
    public void ACycleIsRejectedNamingItsTasks()
    {
        var error = Reject("""
                  a: {componentRef: {name: comp-step}, dependentTasks: [b]}
                  b: {componentRef: {name: comp-step}, dependentTasks: [a]}
            """);

        Assert.Contains(error.Problems, p => p.Path == "root.dag.tasks" && p.Message.Contains("cycle: a -> b -> a", StringComparison.Ordinal));
    }

    [Fact]
    public void AMissingComponentIsRejected()
    {
        var error = Reject("""
                  a: {componentRef: {name: comp-nowhere}}
            """);

        var problem = Assert.Single(error.Problems);
        Assert.Equal("root.dag.tasks.a.componentRef.name", problem.Path);
        Assert.Contains("'comp-nowhere', which is missing from components", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInputFromATaskThatIsNotUpstreamIsRejected()
    {
        var error = Reject("""
                  a: {componentRef: {name: comp-step}}
                  b:
                    componentRef: {name: comp-step}
                    inputs:
                      parameters:
                        x: {taskOutputParameter: {producerTask: a, outputParameterKey: y}}
            """);

        var problem = Assert.Single(error.Problems);
        Assert.Equal("root.dag.tasks.b.inputs.parameters.x", problem.Path);
        Assert.Contains("'a', which is not upstream", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInputFromAnUpstreamTaskThroughAnotherIsAccepted()
    {
        var spec = KfpParser.Parse(Header + """

            root:
              dag:
                tasks:
                  a: {componentRef: {name: comp-step}}
                  b: {componentRef: {name: comp-step}, dependentTasks: [a]}
                  c:
                    componentRef: {name: comp-step}
                    dependentTasks: [b]
                    inputs:
                      parameters:
                        x: {taskOutputParameter: {producerTask: a, outputParameterKey: y}}
            """);

        Assert.Equal(3, spec.Root.Dag!.Tasks.Count);
    }

    [Fact]
    public void AnUndeclaredOutputKeyAndAnUnknownExecutorAreRejected()
    {
        var error = Assert.Throws<PipelineSpecException>(() => KfpParser.Parse("""
            pipelineInfo: {name: p}
            components:
              comp-a: {executorLabel: exec-missing, outputDefinitions: {parameters: {y: {parameterType: STRING}}}}
            root:
              dag:
                tasks:
                  a: {componentRef: {name: comp-a}}
                  b:
                    componentRef: {name: comp-a}
                    dependentTasks: [a]
                    inputs: {parameters: {z: {taskOutputParameter: {producerTask: a, outputParameterKey: nope}}}}
            """));

        Assert.Contains(error.Problems, p => p.Path == "components.comp-a.executorLabel");
        Assert.Contains(error.Problems, p => p.Message.Contains("output parameter 'nope'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not: [yaml", "not YAML")]
    [InlineData("- a list", "not a mapping")]
    [InlineData("pipelineInfo: {name: p}", "root")]
    public void NonPipelinesAreRejectedWithAReason(string yaml, string expected)
    {
        var error = Assert.Throws<PipelineSpecException>(() => KfpParser.Parse(yaml));

        Assert.Contains(error.Problems, p => (p.Path + p.Message).Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnreadableConditionIsRejected()
    {
        var error = Reject("""
                  a: {componentRef: {name: comp-step}, triggerPolicy: {condition: "inputs.parameter_values['x'] =~ 'a'"}}
            """);

        Assert.Contains(error.Problems, p => p.Path == "root.dag.tasks.a.triggerPolicy.condition");
    }
}
