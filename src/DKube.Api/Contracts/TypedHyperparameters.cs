using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DKube.Abstractions.Workloads;

namespace DKube.Api.Contracts;

/// <summary>
/// How a <see cref="WorkloadSpec"/> looks in the API's answers: <c>hyperparameters</c> as the JSON
/// types they were given as (<c>"lr": 0.01</c>), not the text form the spec also keeps for
/// environment variables, and without the storage-only <c>hyperparametersJson</c>. A resolver
/// modifier of the HTTP options only, so grain storage keeps serializing the record as it is.
/// </summary>
public static class TypedHyperparameters
{
    public static void Apply(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Type != typeof(WorkloadSpec) || typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = typeInfo.Properties.Count - 1; i >= 0; i--)
        {
            var property = typeInfo.Properties[i];
            switch ((property.AttributeProvider as MemberInfo)?.Name)
            {
                case nameof(WorkloadSpec.HyperparametersJson):
                    typeInfo.Properties.RemoveAt(i);
                    break;
                case nameof(WorkloadSpec.Hyperparameters):
                    var typed = typeInfo.CreateJsonPropertyInfo(typeof(JsonElement), property.Name);
                    typed.Get = spec => JsonSerializer.Deserialize<JsonElement>(HyperparameterValues.TypedJson((WorkloadSpec)spec));
                    typeInfo.Properties[i] = typed;
                    break;
            }
        }
    }
}
