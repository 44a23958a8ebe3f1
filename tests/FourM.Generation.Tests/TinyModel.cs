using FourM.Model;
using FourM.Model.Configuration;
using FourM.Model.Modalities;
using static TorchSharp.torch;

namespace FourM.Generation.Tests;

/// <summary>A random 4M-7 model small enough for unit tests (dim 32, 2+2 layers), shared by the tests of one process.</summary>
internal static class TinyModel
{
    private static readonly Lazy<FourMModel> Shared = new(() => Create(17));

    public static FourMModel Instance => Shared.Value;

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
