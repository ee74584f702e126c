using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>
/// The part of YARP's <c>ReverseProxy</c> section the gateway reads itself (SPEC §11): each destination's
/// <c>Metadata:Priority</c> and <c>Metadata:Weight</c>.
/// </summary>
internal sealed class DestinationMetadataOptions
{
    public const string Section = "ReverseProxy";

    public Dictionary<string, ClusterSection> Clusters { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public sealed class ClusterSection
    {
        public Dictionary<string, DestinationSection> Destinations { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    }

    public sealed class DestinationSection
    {
        public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    }
}

/// <summary>Stops start-up on a destination whose priority or weight would not mean what the operator wrote, naming the key.</summary>
internal sealed class DestinationMetadataValidator : IValidateOptions<DestinationMetadataOptions>
{
    public const int MaxPriority = 1000;
    public const int MaxWeight = 1_000_000;

    public ValidateOptionsResult Validate(string? name, DestinationMetadataOptions options)
    {
        var failures = new List<string>();
        foreach (var (cluster, c) in options.Clusters)
            foreach (var (destination, d) in c.Destinations)
            {
                var key = $"ReverseProxy:Clusters:{cluster}:Destinations:{destination}:Metadata";
                Check(failures, d.Metadata, $"{key}:Priority", Upstream.ClusterDirectory.PriorityMetadata, 0, MaxPriority);
                Check(failures, d.Metadata, $"{key}:Weight", Upstream.ClusterDirectory.WeightMetadata, 1, MaxWeight);
            }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, Dictionary<string, string> metadata, string key, string field, int min, int max)
    {
        if (metadata.TryGetValue(field, out var text)
            && !(int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max))
            failures.Add($"{key} must be a whole number from {min} to {max} (it is '{text}').");
    }
}
