using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting.Jobs;

/// <summary>
/// Stops start-up on log maintenance that could not make progress: a batch of 0 rows loops its job
/// forever, an interval of zero spins it, one past a day is a typo.
/// </summary>
internal sealed class LogMaintenanceOptionsValidator : IValidateOptions<LogMaintenanceOptions>
{
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, LogMaintenanceOptions options)
    {
        var failures = new List<string>();
        const string s = LogMaintenanceOptions.Section;
        OptionRules.Between(failures, $"{s}:RollupInterval", options.RollupInterval, MinInterval, MaxInterval);
        OptionRules.Between(failures, $"{s}:RollupBatchRows", options.RollupBatchRows, 1, 1_000_000);
        OptionRules.Between(failures, $"{s}:RetentionInterval", options.RetentionInterval, MinInterval, MaxInterval);
        OptionRules.Between(failures, $"{s}:RetentionBatchRows", options.RetentionBatchRows, 1, 100_000);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
