using FourM.Generation;
using FourM.Grains.Interfaces.Admission;
using FourM.Grains.Sessions;
using Xunit;

namespace FourM.Serving.Tests.Sessions;

public sealed class DeviceLossTests
{
    public static TheoryData<Exception, bool> Failures() => new()
    {
        { new ServingRejectedException(RejectionReason.Draining, TimeSpan.FromSeconds(1), "device leaving"), true },
        { new ServingRejectedException(RejectionReason.NoDevice, TimeSpan.FromSeconds(1), "gone"), true },
        { new ServingRejectedException(RejectionReason.QueueFull, TimeSpan.FromSeconds(1), "busy"), false },
        { new SiloUnavailableException("silo down"), true },
        { new OrleansException("forwarding failed"), true },
        { new TimeoutException("no response"), true },
        { new OperationCanceledException("device cuda:0 shut down"), true },
        { new AggregateException(new SiloUnavailableException("silo down")), true },
        { new ArgumentException("token ids must lie in [0, 8192)"), false },
        { new GenerationPlanException("bad plan"), false },
        { new InvalidOperationException("the model produced NaN logits"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Only_failures_of_the_device_itself_move_a_session_while_its_device_is_announced(Exception failure, bool loss) =>
        Assert.Equal(loss, DeviceLoss.IsDeviceLoss(failure, stillAnnounced: true, cancelledByUs: false));

    [Fact]
    public void A_device_no_longer_announced_is_lost_whatever_the_error_and_a_cancellation_of_our_own_never_is()
    {
        Assert.True(DeviceLoss.IsDeviceLoss(new InvalidOperationException("no compatible silo owns device"), stillAnnounced: false, cancelledByUs: false));
        Assert.False(DeviceLoss.IsDeviceLoss(new OperationCanceledException(), stillAnnounced: true, cancelledByUs: true));
        Assert.False(DeviceLoss.IsDeviceLoss(new SiloUnavailableException("silo down"), stillAnnounced: false, cancelledByUs: true));
    }
}
