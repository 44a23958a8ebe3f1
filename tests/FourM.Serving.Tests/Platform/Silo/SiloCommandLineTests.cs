using FourM.Silo.Hosting;
using Xunit;

namespace FourM.Serving.Tests.Platform.Silo;

public sealed class SiloCommandLineTests
{
    [Fact]
    public void FriendlySwitchesBecomeConfigurationKeys()
    {
        var args = SiloCommandLine.Translate(["--model", "hf://EPFL-VILAB/4M-7_B_CC12M@main", "--device", "cuda:0,cuda:1", "--silo-port", "11112", "--smoke", "--FourM:X=1"]);

        Assert.Equal(
            [
                "--FourM:Silo:SiloPort=11112", "--FourM:Silo:ExitAfterReady=true", "--FourM:X=1",
                "--FourM:Models:0:Source=hf://EPFL-VILAB/4M-7_B_CC12M@main", "--FourM:Models:0:Id=4M-7_B_CC12M",
                "--FourM:Serving:Devices:0=cuda:0", "--FourM:Serving:Devices:1=cuda:1",
            ],
            args);
    }

    [Fact]
    public void ExplicitModelIdWins()
    {
        var args = SiloCommandLine.Translate(["--model", "random:small", "--model-id", "mine"]);

        Assert.Contains("--FourM:Models:0:Id=mine", args);
        Assert.DoesNotContain("--FourM:Models:0:Id=small", args);
    }

    [Fact]
    public void SwitchWithoutValueIsAnError() =>
        Assert.Throws<ArgumentException>(() => SiloCommandLine.Translate(["--model"]));
}
