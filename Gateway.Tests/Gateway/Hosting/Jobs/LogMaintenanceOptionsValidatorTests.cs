using Gateway.Hosting.Jobs;

namespace Gateway.Tests.Gateway.Hosting.Jobs;

public class LogMaintenanceOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        new LogMaintenanceOptionsValidator().Validate(null, new LogMaintenanceOptions()).Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData(nameof(LogMaintenanceOptions.RollupBatchRows), 0)]
    [InlineData(nameof(LogMaintenanceOptions.RetentionBatchRows), 0)]
    [InlineData(nameof(LogMaintenanceOptions.RetentionBatchRows), -1)]
    public void Validate_BatchOfNoRows_FailsNamingTheKey(string property, int value)
    {
        var options = new LogMaintenanceOptions();
        typeof(LogMaintenanceOptions).GetProperty(property)!.SetValue(options, value);

        var result = new LogMaintenanceOptionsValidator().Validate(null, options);

        result.FailureMessage.Should().Contain($"Gateway:LogMaintenance:{property}");
    }

    [Theory]
    [InlineData(nameof(LogMaintenanceOptions.RollupInterval), "00:00:00")]
    [InlineData(nameof(LogMaintenanceOptions.RetentionInterval), "-00:00:01")]
    [InlineData(nameof(LogMaintenanceOptions.RetentionInterval), "1.00:00:01")]
    public void Validate_IntervalOutOfRange_FailsNamingTheKey(string property, string value)
    {
        var options = new LogMaintenanceOptions();
        typeof(LogMaintenanceOptions).GetProperty(property)!.SetValue(options, TimeSpan.Parse(value));

        var result = new LogMaintenanceOptionsValidator().Validate(null, options);

        result.FailureMessage.Should().Contain($"Gateway:LogMaintenance:{property}");
    }
}
