using System.Net;
using System.Net.Sockets;

namespace FourM.Serving.Tests.Platform.Silo;

public static class FreePorts
{
    /// <summary>Distinct loopback ports the OS reports free right now.</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var l in listeners) l.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally { foreach (var l in listeners) l.Stop(); }
    }
}
