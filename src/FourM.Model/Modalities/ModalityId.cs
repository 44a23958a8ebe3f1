using System.Security.Cryptography;
using System.Text;

namespace FourM.Model.Modalities;

/// <summary>The reference's modality id: <c>int(sha256(name).hexdigest(), 16) % 2**15</c>.</summary>
public static class ModalityId
{
    public static short Compute(string name)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        // The digest read as a big-endian integer, modulo 2^15, is the low 15 bits of its last two bytes.
        return (short)(((digest[^2] << 8) | digest[^1]) & 0x7FFF);
    }
}
