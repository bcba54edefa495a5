using System.Globalization;
using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Studies;

/// <summary>
/// Hyperparameter studies through HTTP on the embedded default's stack: Katib YAML validated as
/// users have it, and a study of a real scikit-learn script (Debian's /usr/bin/python3) whose
/// trials are ordinary runs.
/// </summary>
public sealed class StudyTests(LabFixture lab) : IClassFixture<LabFixture>
{
    /// <summary>A ridge regression on a fixed synthetic problem; the validation error depends on alpha.</summary>
    private const string Script = """
        /usr/bin/python3 - ${trialParameters.alpha} <<'EOF'
        import json, os, sys
        import joblib
        from sklearn.datasets import make_regression
        from sklearn.linear_model import Ridge
        from sklearn.metrics import mean_squared_error
        from sklearn.model_selection import train_test_split
        alpha = float(sys.argv[1])
        X, y = make_regression(n_samples=300, n_features=40, n_informative=10, noise=20, random_state=0)
        Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.3, random_state=0)
        model = Ridge(alpha=alpha).fit(Xtr, ytr)
        mse = mean_squared_error(yva, model.predict(Xva))
        with open(os.environ["DKUBE_METRICS_FILE"], "a") as f:
            f.write(json.dumps({"step": 1, "mse": mse}) + "\n")
        print("trained with alpha %s" % alpha)
        print("mse=%s" % mse)
        if "DKUBE_OUTPUT_DIR" in os.environ:
            joblib.dump(model, os.path.join(os.environ["DKUBE_OUTPUT_DIR"], "model.joblib"))
        EOF
        """;

    private const string Tuning = """
        apiVersion: kubeflow.org/v1beta1
        kind: Experiment
        metadata:
          name: ridge
        spec:
          objective:
            type: minimize
            objectiveMetricName: mse
          algorithm:
            algorithmName: random
            algorithmSettings:
              - name: random_state
                value: "7"
          parallelTrialCount: 2
          maxTrialCount: 6
          maxFailedTrialCount: 2
          parameters:
            - name: alpha
              parameterType: double
              feasibleSpace:
                min: "0.01"
                max: "400"
          trialTemplate:
            trialParameters:
              - name: alpha
                reference: alpha
        """;

    [Fact]
    public async Task A_study_of_a_sklearn_script_runs_its_trials_finds_a_better_objective_and_keeps_the_best_model()
    {
        using var tenant = await lab.NewTenantAsync(gpus: 4);
        var model = (await tenant.Client.Post("models", new { name = "ridge" })).Expect(HttpStatusCode.Created)["id"];
        var created = (await tenant.Submit("ridge", 1, Script, new { output = new { model = "ridge" }, tuning = Tuning })).Expect(HttpStatusCode.Created).Json;
        var id = created["id"]!.ToString();
        Assert.Equal("Running", created["status"]!.ToString());

        var study = (await Eventually.Until(() => tenant.Client.Get($"runs/{id}/study"), r => r["status"] != "Running", TimeSpan.FromMinutes(5), "the study ended")).Json;
        var trials = study["trials"]!.AsArray();
        Assert.True(study["status"]!.ToString() == "Complete", study.ToJsonString());
        Assert.Equal(6, trials.Count);
        Assert.All(trials, t => Assert.Equal("Complete", t!["status"]!.ToString()));
        var objectives = trials.Select(t => t!["objective"]!.GetValue<double>()).ToList();
        var best = study["best"]!;
        Assert.Equal(objectives.Min(), best["objective"]!.GetValue<double>());
        Assert.True(best["objective"]!.GetValue<double>() < objectives[0], $"best {objectives.Min()} not better than the first trial's {objectives[0]}");

        // Each trial is an ordinary run that knows its study and ran with its own alpha.
        var bestRun = best["run"]!.ToString();
        var trialRun = (await tenant.Client.Get($"runs/{bestRun}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("study", trialRun["parent"]!["kind"]!.ToString());
        Assert.Equal(id, trialRun["parent"]!["id"]!.ToString());
        Assert.Contains($"trained with alpha {best["parameters"]!["alpha"]}", (await tenant.Client.Get($"runs/{bestRun}/logs")).Text, StringComparison.Ordinal);

        // The best trial's output version is the study's model version, with lineage to that trial.
        var version = study["model"]!["version"]!.GetValue<int>();
        Assert.Equal(bestRun, study["model"]!["run"]!.ToString());
        var lineage = (await tenant.Client.Get($"models/{model}/versions/{version}/lineage")).Expect(HttpStatusCode.OK).Json;
        var node = lineage["nodes"]!.AsArray().Single(n => n!["repoId"]!.ToString() == model && n["version"]!.GetValue<int>() == version)!;
        Assert.Equal(bestRun, node["lineage"]!["runId"]!.ToString());

        // The trials table as CSV: a header with the parameter and the metric, one row per trial.
        var csv = (await tenant.Client.Get($"runs/{id}/study/trials?format=csv")).Expect(HttpStatusCode.OK);
        var rows = csv.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("text/csv", csv.ContentType, StringComparison.Ordinal);
        Assert.Equal("index,run,status,objective,alpha,mse", rows[0]);
        Assert.Equal(7, rows.Length);
        Assert.Equal(objectives[0], double.Parse(rows[1].Split(',')[3], CultureInfo.InvariantCulture));

        // Nobody outside the group sees it.
        using var stranger = await lab.NewTenantAsync();
        (await stranger.Client.Get($"runs/{id}/study")).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Reaching_the_goal_ends_the_study_and_stop_ends_one_with_its_trials()
    {
        using var tenant = await lab.NewTenantAsync(gpus: 4);
        var goal = Tuning.Replace("objectiveMetricName: mse", "objectiveMetricName: mse\n    goal: 1000000", StringComparison.Ordinal);
        var reached = (await tenant.Submit("goal", 1, Script, new { tuning = goal })).Expect(HttpStatusCode.Created)["id"];
        var ended = (await Eventually.Until(() => tenant.Client.Get($"runs/{reached}/study"), r => r["status"] != "Running", TimeSpan.FromMinutes(3))).Json;
        Assert.Equal("Complete", ended["status"]!.ToString());
        Assert.StartsWith("goal reached", ended["reason"]!.ToString(), StringComparison.Ordinal);
        Assert.True(ended["trials"]!.AsArray().Count <= 2);

        var slow = (await tenant.Submit("slow", 1, "sleep 600 # ${trialParameters.alpha}", new { tuning = Tuning })).Expect(HttpStatusCode.Created)["id"];
        await Eventually.Until(() => tenant.Client.Get($"runs/{slow}/study"), r => r.Json["trials"]!.AsArray().Count(t => t!["status"]!.ToString() == "Running") == 2);
        var stopped = (await tenant.Client.Post($"runs/{slow}/study/stop")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("Stopped", stopped["status"]!.ToString());
        // Stopped trials hand their GPUs back.
        await Eventually.Until(() => tenant.Client.Get($"groups/{tenant.Group}/pool"), p => p.Json["used"]!.GetValue<int>() == 0);
    }

    [Fact]
    public async Task A_study_is_a_run_of_kind_study_at_get_runs_id_visible_to_its_tenant_only()
    {
        using var tenant = await lab.NewTenantAsync(gpus: 2);
        var id = (await tenant.Submit("as-run", 1, "sleep 600 # ${trialParameters.alpha}", new { tuning = Tuning })).Expect(HttpStatusCode.Created)["id"];

        var running = (await tenant.Client.Get($"runs/{id}")).Expect(HttpStatusCode.OK).Json;
        (await tenant.Client.Post($"runs/{id}/study/stop")).Expect(HttpStatusCode.OK);
        var stopped = (await tenant.Client.Get($"runs/{id}")).Expect(HttpStatusCode.OK).Json;
        using var stranger = await lab.NewTenantAsync();

        Assert.Equal(id, running["id"]!.ToString());
        Assert.Equal("study", running["kind"]!.ToString());
        Assert.Equal("Running", running["status"]!.ToString());
        Assert.EndsWith($"/runs/{id}/study", running["study"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("Stopped", stopped["status"]!.ToString());
        (await stranger.Client.Get($"runs/{id}")).ExpectProblem(HttpStatusCode.NotFound);
        (await tenant.Client.Get("runs/no-such-run")).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Every_Katib_example_passes_validate()
    {
        using var tenant = await lab.NewTenantAsync();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus", "katib"), "*.yaml"))
        {
            var reply = await tenant.Client.SendRaw(HttpMethod.Post, "studies/validate", await File.ReadAllTextAsync(file), "application/yaml");
            Assert.True(reply.Status == HttpStatusCode.OK, $"{Path.GetFileName(file)}: {reply}");
            Assert.NotEmpty(reply.Json["parameters"]!.AsArray());
        }

        var random = (await tenant.Client.SendRaw(HttpMethod.Post, "studies/validate", await File.ReadAllTextAsync(
            Path.Combine(AppContext.BaseDirectory, "Corpus", "katib", "random-example.yaml")), "application/yaml")).Json;
        Assert.Equal("maximize", random["objective"]!["type"]!.ToString());
        Assert.Equal(["sgd", "adam", "ftrl"], random["parameters"]![2]!["list"]!.AsArray().Select(v => v!.ToString()));
    }

    [Theory]
    [InlineData("algorithmName: random", "algorithmName: simulated-annealing", "spec.algorithm.algorithmName")]
    [InlineData("min: \"0.01\"", "min: \"900\"", "spec.parameters[0].feasibleSpace")]
    [InlineData("objectiveMetricName: mse", "goal: 1", "spec.objective.objectiveMetricName")]
    [InlineData("parameterType: double", "parameterType: categorical", "spec.parameters[0].feasibleSpace.list")]
    public async Task Impossible_specs_are_422_naming_the_field_both_in_validate_and_in_a_run(string from, string to, string field)
    {
        using var tenant = await lab.NewTenantAsync();
        var yaml = Tuning.Replace(from.Trim(), to.Trim(), StringComparison.Ordinal);
        Assert.NotEqual(Tuning, yaml);

        var validate = (await tenant.Client.SendRaw(HttpMethod.Post, "studies/validate", yaml, "application/yaml")).ExpectProblem(HttpStatusCode.UnprocessableEntity).Json;
        var submit = (await tenant.Submit("bad", 1, "true", new { tuning = yaml })).ExpectProblem(HttpStatusCode.UnprocessableEntity).Json;

        Assert.EndsWith("/invalid-study", validate["type"]!.ToString(), StringComparison.Ordinal);
        Assert.NotNull(validate["errors"]![field]);
        Assert.NotNull(submit["errors"]![field]);
    }

    [Fact]
    public async Task Malformed_yaml_is_400_and_a_10_MB_document_is_413()
    {
        using var tenant = await lab.NewTenantAsync();
        var malformed = (await tenant.Client.SendRaw(HttpMethod.Post, "studies/validate", "spec: {objective: [", "application/yaml")).ExpectProblem(HttpStatusCode.BadRequest).Json;
        Assert.EndsWith("/malformed-yaml", malformed["type"]!.ToString(), StringComparison.Ordinal);

        var huge = Tuning + "\n#" + new string('x', 10 * 1024 * 1024);
        (await tenant.Client.SendRaw(HttpMethod.Post, "studies/validate", huge, "application/yaml", expectContinue: true)).ExpectProblem(HttpStatusCode.RequestEntityTooLarge);
    }
}
