using System.Runtime.InteropServices;

namespace ActorWs.Server.Transport.Linux;

/// <summary>
/// Owns a Linux file descriptor. Being a <see cref="SafeHandle"/>, a descriptor closed by one thread
/// while another is in a syscall on it is only really closed when that syscall returns, so the number
/// can never be reused under a running <c>recv</c> or <c>send</c>.
/// </summary>
internal sealed class FileDescriptorHandle : SafeHandle
{
    public FileDescriptorHandle(int fd) : base(invalidHandleValue: -1, ownsHandle: true) => SetHandle(fd);

    public override bool IsInvalid => handle == -1;

    /// <summary>The raw descriptor; valid only while a reference is held.</summary>
    public int Fd => (int)handle;

    protected override bool ReleaseHandle() => LinuxNative.close((int)handle) == 0;
}
