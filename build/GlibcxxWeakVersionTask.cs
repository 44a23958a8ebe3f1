using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>Sets VER_FLG_WEAK on one Elf64_Vernaux entry (by version name) of an ELF64 little-endian shared object.</summary>
public sealed class FourMMarkGlibcxxVersionWeak : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            var path = item.ItemSpec;
            try
            {
                var bytes = File.ReadAllBytes(path);
                var outcome = Patch(bytes, VersionName);
                if (outcome == "patched")
                {
                    var temp = path + ".weak-tmp";
                    File.WriteAllBytes(temp, bytes);
                    File.Delete(path); // unlinks a hard link to the NuGet cache instead of writing through it
                    File.Move(temp, path);
                    Log.LogMessage(MessageImportance.Normal, $"{path}: marked {VersionName} weak");
                }
                else
                {
                    Log.LogMessage(MessageImportance.Low, $"{path}: {outcome}");
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is InvalidDataException)
            {
                Log.LogError($"Could not patch {path}: {ex.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    private static string Patch(byte[] b, string versionName)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (b[4] != 2 || b[5] != 1) throw new InvalidDataException("not ELF64 little-endian");
        ulong shoff = U64(b, 0x28);
        int shentsize = U16(b, 0x3A), shnum = U16(b, 0x3C);
        if (shentsize < 64 || shoff == 0 || shoff + (ulong)shentsize * (ulong)shnum > (ulong)b.Length)
            throw new InvalidDataException("section header table out of range");
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (U32(b, sh + 4) != ShtGnuVerneed) continue;
            long secOff = (long)U64(b, sh + 0x18), secSize = (long)U64(b, sh + 0x20);
            int link = (int)U32(b, sh + 0x28), count = (int)U32(b, sh + 0x2C);
            if (link >= shnum || secOff + secSize > b.Length) throw new InvalidDataException("verneed section out of range");
            int strSh = checked((int)shoff + link * shentsize);
            long strOff = (long)U64(b, strSh + 0x18), strSize = (long)U64(b, strSh + 0x20);
            if (strOff + strSize > b.Length) throw new InvalidDataException("string table out of range");
            long vn = secOff;
            for (int n = 0; n < count; n++)
            {
                if (vn < secOff || vn + 16 > secOff + secSize) throw new InvalidDataException("verneed entry out of range");
                int cnt = U16(b, (int)vn + 2);
                long aux = vn + U32(b, (int)vn + 8);
                for (int a = 0; a < cnt; a++)
                {
                    if (aux < secOff || aux + 16 > secOff + secSize) throw new InvalidDataException("vernaux entry out of range");
                    long nameOff = strOff + U32(b, (int)aux + 8);
                    if (ReadCString(b, nameOff, strOff + strSize) == versionName)
                    {
                        ushort flags = (ushort)U16(b, (int)aux + 4);
                        if ((flags & VerFlagWeak) != 0) return "already weak";
                        flags |= VerFlagWeak;
                        b[aux + 4] = (byte)(flags & 0xff);
                        b[aux + 5] = (byte)(flags >> 8);
                        return "patched";
                    }
                    uint next = U32(b, (int)aux + 12);
                    if (next == 0) break;
                    aux += next;
                }
                uint vnNext = U32(b, (int)vn + 12);
                if (vnNext == 0) break;
                vn += vnNext;
            }
        }
        return "no such version need";
    }

    private static string ReadCString(byte[] b, long start, long limit)
    {
        if (start < 0 || start >= limit) throw new InvalidDataException("string offset out of range");
        long end = start;
        while (end < limit && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)start, (int)(end - start));
    }

    private static int U16(byte[] b, int o) => b[o] | (b[o + 1] << 8);
    private static uint U32(byte[] b, int o) => (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24));
    private static ulong U64(byte[] b, int o) => U32(b, o) | ((ulong)U32(b, o + 4) << 32);
}
