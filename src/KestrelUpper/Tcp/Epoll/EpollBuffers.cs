using KestrelUpper.Text;

namespace KestrelUpper.Tcp.Epoll;

/// <summary>
/// One receive buffer and the reply buffer for it: a loop handles one connection at a time, so every connection on
/// it shares these (an idle connection holds no buffer at all).
/// </summary>
internal sealed class EpollBuffers(Uppercaser uppercaser, int receiveBytes)
{
    public byte[] Input { get; } = GC.AllocateUninitializedArray<byte>(receiveBytes, pinned: true);

    public EpollOutput Output { get; } = new(uppercaser.MaxOutputLength(receiveBytes));
}
