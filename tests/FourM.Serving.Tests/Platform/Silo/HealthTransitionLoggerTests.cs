using FourM.Silo.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Xunit;

namespace FourM.Serving.Tests.Platform.Silo;

public sealed class HealthTransitionLoggerTests
{
    [Fact]
    public async Task Each_change_of_a_checks_status_is_logged_once_and_steady_states_are_not()
    {
        var log = new RecordingLogger();
        var publisher = new HealthTransitionLogger(log);

        await publisher.PublishAsync(Report(("startup", HealthStatus.Unhealthy, "not started"), ("engine", HealthStatus.Healthy, null)), default);
        await publisher.PublishAsync(Report(("startup", HealthStatus.Unhealthy, "not started"), ("engine", HealthStatus.Healthy, null)), default);
        await publisher.PublishAsync(Report(("startup", HealthStatus.Healthy, null), ("engine", HealthStatus.Healthy, null)), default);
        await publisher.PublishAsync(Report(("startup", HealthStatus.Healthy, null), ("engine", HealthStatus.Unhealthy, "cuda:0 made no progress for 60 s")), default);
        await publisher.PublishAsync(Report(("startup", HealthStatus.Healthy, null), ("engine", HealthStatus.Unhealthy, "cuda:0 made no progress for 65 s")), default);

        Assert.Equal(
        [
            (LogLevel.Warning, "Health check startup is Unhealthy: not started"),
            (LogLevel.Information, "Health check startup is healthy again (was Unhealthy)"),
            (LogLevel.Warning, "Health check engine is Unhealthy: cuda:0 made no progress for 60 s"),
        ], log.Entries);
    }

    private static HealthReport Report(params (string Name, HealthStatus Status, string? Description)[] entries) =>
        new(entries.ToDictionary(e => e.Name, e => new HealthReportEntry(e.Status, e.Description, TimeSpan.Zero, null, null)), TimeSpan.Zero);

    private sealed class RecordingLogger : ILogger<HealthTransitionLogger>
    {
        public List<(LogLevel, string)> Entries { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
