using FourM.Model;
using FourM.Model.Configuration;
using FourM.Model.Modalities;
using static TorchSharp.torch;

namespace FourM.Generation.Tests;

/// <summary>A random 4M-7 model small enough for unit tests (dim 32, 2+2 layers), shared by the tests of one process.</summary>
internal static class TinyModel
{
    private static readonly Lazy<FourMModel> Shared = new(() => OnOwnThread(() => Create(17)));

    public static FourMModel Instance => Shared.Value;

    /// <summary>
    /// Builds on a thread of its own, where no dispose scope is open: a test that first touches the shared model inside its
    /// scope would otherwise hand the model's buffers to that scope, which disposes them when the test ends. (Not Task.Run:
    /// waiting on a task that has not started may run it inline, on the waiting thread.)
    /// </summary>
    private static FourMModel OnOwnThread(Func<FourMModel> create)
    {
        FourMModel? model = null;
        var thread = new Thread(() => model = create());
        thread.Start();
        thread.Join();
        return model ?? throw new InvalidOperationException("the shared tiny model could not be built");
    }

    public static FourMModel Create(long seed, ScalarType dtype = ScalarType.Float32) => FourMModel.CreateRandom(new FourMConfig
    {
        DomainsIn = ModalitySets.FourM7Inputs,
        DomainsOut = ModalitySets.FourM7Outputs,
        Dim = 32,
        EncoderDepth = 2,
        DecoderDepth = 2,
        NumHeads = 2,
    }, seed, dtype, CPU);
}
