namespace Gateway.Api;

/// <summary>Registers what the query API needs beside the store: its background jobs and the OpenAPI document.</summary>
internal static class LogsApiServiceCollectionExtensions
{
    public static IServiceCollection AddLogsApi(this IServiceCollection services)
    {
        services.AddOptions<LogMaintenanceOptions>().BindConfiguration(LogMaintenanceOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<LogMaintenanceOptions>, LogMaintenanceOptionsValidator>();
        services.AddHostedService<LogRollupService>();
        services.AddHostedService<LogRetentionService>();
        services.AddGatewayOpenApi();
        return services;
    }
}
