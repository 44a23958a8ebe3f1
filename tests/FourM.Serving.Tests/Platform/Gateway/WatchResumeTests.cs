using FourM.Client;
using FourM.Client.Contracts;
using FourM.Grains.Interfaces.Sessions;
using Xunit;

namespace FourM.Serving.Tests.Platform.Gateway;

public sealed class WatchResumeTests(GatewayHarness harness) : IClassFixture<GatewayHarness>
{
    [Fact]
    public async Task WatchSurvivesStepsLongerThanTheCallTimeout()
    {
        Assert.True(ScriptedSessionGrain.SlowStep > GatewayHarness.ResponseTimeout * 2);
        var status = await harness.Client.CreateSessionAsync(new GenerationRequest
        {
            Model = ScriptedSessionGrain.SlowModel,
            Targets = [new GenerationTarget { Modality = "tok_rgb@224", Steps = 2 }],
        });

        var updates = new List<StepUpdate>();
        await foreach (var update in harness.Client.WatchAsync(status.SessionId)) updates.Add(update);

        Assert.Equal(SessionPhase.Completed, updates[^1].Phase);
        Assert.Equal(2, updates[^1].CompletedSteps);
        // Progress never goes backwards across resumptions (an update falling between two watches is coalesced into
        // the next watch's opening status), and the watch was resumed at least once.
        var completed = updates.Select(u => u.CompletedSteps).ToList();
        Assert.Equal(completed.Order(), completed);
        Assert.True(updates.Count(u => u.TargetStep == 0) >= 2, "expected the watch to resume with a status update");
    }
}
