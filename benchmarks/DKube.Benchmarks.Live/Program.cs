using DKube.Benchmarks.Live;

// One command, both figures: `dotnet run -c Release --project benchmarks/DKube.Benchmarks.Live [-- fanout|sampler]`.
// `clients URL TOKEN` is the fan-out's second process, which the fan-out starts itself.
var which = args.Length > 0 ? args[0] : "all";
if (which is "clients")
{
    await FanOutClients.RunAsync(new Uri(args[1]), args[2]);
    return 0;
}

if (which is "all" or "fanout")
{
    await FanOutFigures.RunAsync([100, 1_000]);
}

if (which is "all" or "sampler")
{
    await SamplerFigures.RunAsync([100, 1_000]);
}

return 0;
