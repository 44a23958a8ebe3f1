using FourM.Generation.Network;

namespace FourM.Generation.Steps;

/// <summary>The pass rows one incremental decoder serves in a <see cref="SequenceDecode"/>.</summary>
internal sealed record SequenceGroup(int[] Rows, IIncrementalDecoder Decoder);
