using Microsoft.Extensions.Options;

namespace Gateway.Hosting.Jobs;

/// <summary>
/// Registers the store's start-up and every background job, in the order the host starts them: the store
/// is migrated and its writer started before any job queues work on it.
/// </summary>
internal static class JobsServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayJobs(this IServiceCollection services)
    {
        services.AddOptions<LogMaintenanceOptions>().BindConfiguration(LogMaintenanceOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LogMaintenanceOptions>, LogMaintenanceOptionsValidator>();

        services.AddHostedService<LedgerHostedService>();
        services.AddHostedService<PriceOverridePoller>();   // the run-time prices in force before the first request
        services.AddHostedService<WalCheckpointService>();
        services.AddHostedService<IdleMemoryTrimmer>();   // RSS back down after load (issue 6), unless Gateway:TrimMemoryWhenIdle is false
        services.AddHostedService<LogInboxMover>();
        services.AddHostedService<LogRollupService>();
        services.AddHostedService<LogRetentionService>();
        return services;
    }
}
