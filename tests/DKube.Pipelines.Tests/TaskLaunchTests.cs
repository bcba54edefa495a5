using System.Diagnostics;
using System.Text.Json.Nodes;

namespace DKube.Pipelines.Tests;

/// <summary>A container task as one shell command, and values as they cross between tasks.</summary>
public sealed class TaskLaunchTests
{
    [Fact]
    public async Task The_shell_command_gives_each_argument_exactly_and_expands_only_the_folder_marks()
    {
        var folder = Directory.CreateTempSubdirectory("dkube-launch-").FullName;
        try
        {
            var argv = new[] { "sh", "-c", "printf '%s|' \"$0\" \"$1\" \"$2\"", "it's $HOME `x` \"q\"", $"{TaskLaunch.OutputDir}/artifact.a", $"{TaskLaunch.WorkDir}/in" };
            var command = TaskLaunch.ShellCommand(argv);

            var start = new ProcessStartInfo("/bin/sh", ["-c", command]) { RedirectStandardOutput = true };
            start.Environment["DKUBE_OUTPUT_DIR"] = $"{folder}/out dir";
            start.Environment["DKUBE_WORK_DIR"] = folder;
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();

            Assert.Equal($"it's $HOME `x` \"q\"|{folder}/out dir/artifact.a|{folder}/in|", output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("STRING", "2\n", "\"2\\n\"")]
    [InlineData("NUMBER_INTEGER", "2\n", "2")]
    [InlineData("BOOLEAN", "true", "true")]
    [InlineData("STRUCT", "{\"A\": 1}", "{\"A\":1}")]
    [InlineData("LIST", "not json", "\"not json\"")]
    public void A_value_is_typed_by_its_declared_type(string type, string text, string json) =>
        Assert.Equal(json, TaskLaunch.Typed(type, text)!.ToJsonString());

    [Fact]
    public void Output_files_keep_strings_as_written_and_trim_other_types() =>
        Assert.Equal(("x\n", "3"), (TaskLaunch.FromOutputFile("STRING", "x\n"), TaskLaunch.FromOutputFile("NUMBER_INTEGER", " 3\n")));

    [Fact]
    public void A_selector_picks_a_field_of_a_struct_and_loop_items_are_text()
    {
        Assert.Equal("2", TaskLaunch.Select("parseJson(string_value)[\"A_a\"]", "{\"A_a\": 2, \"B_b\": 3}"));
        Assert.Equal("x", TaskLaunch.Select(null, "x"));
        Assert.Throws<FormatException>(() => TaskLaunch.Select("string_value.size()", "x"));
        var loop = new LoopSpec("item", null, JsonNode.Parse("[{\"A_a\": 1}, \"b\", 3]"));
        Assert.Equal(["{\"A_a\":1}", "b", "3"], TaskLaunch.Items(loop, null));
        Assert.Equal(["a", "b"], TaskLaunch.Items(new LoopSpec("item", "list", null), "[\"a\", \"b\"]"));
        Assert.Throws<FormatException>(() => TaskLaunch.Items(new LoopSpec("item", "list", null), "{}"));
    }
}
