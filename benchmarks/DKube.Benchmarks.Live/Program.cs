using DKube.Benchmarks.Live;

// One command, both figures: `dotnet run -c Release --project benchmarks/DKube.Benchmarks.Live [-- fanout|sampler]`.
var which = args.Length > 0 ? args[0] : "all";
if (which is "all" or "fanout")
{
    await FanOutFigures.RunAsync([100, 1_000]);
}

if (which is "all" or "sampler")
{
    await SamplerFigures.RunAsync([100, 1_000]);
}

return 0;
